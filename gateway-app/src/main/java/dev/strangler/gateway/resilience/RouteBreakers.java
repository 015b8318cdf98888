package dev.strangler.gateway.resilience;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import dev.strangler.gateway.routes.Resilience;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One Resilience4j circuit breaker per route and backend. The breaker's name includes its thresholds, so a
 * reload that changes them gets a fresh breaker while an unchanged route keeps its state across reloads.
 * The breakers live in the registry that Spring Cloud CircuitBreaker binds to Micrometer, so their metrics
 * appear without extra wiring. They are applied with Resilience4j's Reactor operator rather than through
 * Spring Cloud CircuitBreaker's {@code run}, which looks the breaker up again and arms a time limiter timer
 * on every call; the route's own timeout is the only timeout.
 */
public final class RouteBreakers {

    static final Resilience.CircuitBreakerSpec DEFAULTS = new Resilience.CircuitBreakerSpec(50, 20, Duration.ofSeconds(10));

    private final CircuitBreakerRegistry registry;
    private final ConcurrentHashMap<String, Entry> byRouteAndBackend = new ConcurrentHashMap<>();

    private record Entry(Resilience.CircuitBreakerSpec spec, CircuitBreaker breaker) {
    }

    public RouteBreakers(CircuitBreakerRegistry registry) {
        this.registry = registry;
    }

    static String name(String routeId, String backend, Resilience.CircuitBreakerSpec spec) {
        return routeId + "@" + backend + "[" + spec.failureRate() + "%/" + spec.window() + "/" + spec.openFor().toMillis() + "ms]";
    }

    /** Called per request: a cached breaker unless the route's thresholds changed. */
    public CircuitBreaker breaker(String routeId, String backend, Resilience.CircuitBreakerSpec configured) {
        Resilience.CircuitBreakerSpec spec = configured == null ? DEFAULTS : configured;
        String key = routeId + '@' + backend;
        Entry entry = byRouteAndBackend.get(key);
        if (entry == null || !entry.spec().equals(spec)) {
            entry = new Entry(spec, create(routeId, backend, spec));
            byRouteAndBackend.put(key, entry);
        }
        return entry.breaker();
    }

    private CircuitBreaker create(String routeId, String backend, Resilience.CircuitBreakerSpec spec) {
        return registry.circuitBreaker(name(routeId, backend, spec), CircuitBreakerConfig.custom()
                .failureRateThreshold(spec.failureRate())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(spec.window())
                .minimumNumberOfCalls(spec.window())
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(3, spec.window())))
                .waitDurationInOpenState(spec.openFor())
                .build());
    }
}
