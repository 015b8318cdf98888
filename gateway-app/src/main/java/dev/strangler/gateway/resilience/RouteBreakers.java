package dev.strangler.gateway.resilience;

import java.time.Duration;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

import dev.strangler.gateway.routes.Resilience;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

/**
 * One Resilience4j circuit breaker per route and backend, through Spring Cloud CircuitBreaker. The
 * breaker's name includes its thresholds, so a reload that changes them gets a fresh breaker while an
 * unchanged route keeps its state across reloads.
 */
public final class RouteBreakers {

    static final Resilience.CircuitBreakerSpec DEFAULTS = new Resilience.CircuitBreakerSpec(50, 20, Duration.ofSeconds(10));

    private final ReactiveResilience4JCircuitBreakerFactory factory;
    private final java.util.concurrent.ConcurrentHashMap<String, Entry> byRouteAndBackend = new java.util.concurrent.ConcurrentHashMap<>();

    private record Entry(Resilience.CircuitBreakerSpec spec, ReactiveCircuitBreaker breaker) {
    }

    public RouteBreakers(ReactiveResilience4JCircuitBreakerFactory factory) {
        this.factory = factory;
    }

    static String name(String routeId, String backend, Resilience.CircuitBreakerSpec spec) {
        return routeId + "@" + backend + "[" + spec.failureRate() + "%/" + spec.window() + "/" + spec.openFor().toMillis() + "ms]";
    }

    /** Called per request: a cached breaker unless the route's thresholds changed. */
    public ReactiveCircuitBreaker breaker(String routeId, String backend, Resilience.CircuitBreakerSpec configured) {
        Resilience.CircuitBreakerSpec spec = configured == null ? DEFAULTS : configured;
        String key = routeId + '@' + backend;
        Entry entry = byRouteAndBackend.get(key);
        if (entry == null || !entry.spec().equals(spec)) {
            entry = new Entry(spec, create(routeId, backend, spec));
            byRouteAndBackend.put(key, entry);
        }
        return entry.breaker();
    }

    private ReactiveCircuitBreaker create(String routeId, String backend, Resilience.CircuitBreakerSpec spec) {
        String name = name(routeId, backend, spec);
        factory.configure(builder -> builder
                .circuitBreakerConfig(CircuitBreakerConfig.custom()
                        .failureRateThreshold(spec.failureRate())
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(spec.window())
                        .minimumNumberOfCalls(spec.window())
                        .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(3, spec.window())))
                        .waitDurationInOpenState(spec.openFor())
                        .build())
                // The route's own timeout applies; the breaker must not add a second, shorter one.
                .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(Duration.ofDays(1)).cancelRunningFuture(false).build()),
                name);
        return factory.create(name);
    }

    /** The state of the breaker for this route and backend: CLOSED, OPEN, HALF_OPEN, or null before its first call. */
    public String state(String routeId, String backend, Resilience.CircuitBreakerSpec configured) {
        String name = name(routeId, backend, configured == null ? DEFAULTS : configured);
        return factory.getCircuitBreakerRegistry().find(name).map(CircuitBreaker::getState).map(Enum::name).orElse(null);
    }
}
