package dev.strangler.gateway.scg;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routes.Resilience;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.web.BackendFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Per-route protection of calls to the new service: retries and fallback for safe methods, and a circuit
 * breaker. Writes are never retried and never fall back to another backend, because that could split an
 * order between the old and the new system; they fail with 503 when the backend was provably never
 * reached (refused, circuit open), and 504 when the outcome is unknown.
 * Runs just before Spring Cloud Gateway's routing filter, so each attempt re-runs only the backend call;
 * the response body is written by NettyWriteResponseFilter after the last attempt.
 */
public final class ResilienceFilter implements GlobalFilter, Ordered {

    private final RouteBreakers breakers;
    private final Recovery recovery;
    private final ResponseTags tags;

    public ResilienceFilter(RouteBreakers breakers, Recovery recovery, ResponseTags tags) {
        this.breakers = breakers;
        this.recovery = recovery;
        this.tags = tags;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = ExchangeDecision.of(exchange);
        if (decision == null || decision.route().spec() == null) {
            return chain.filter(exchange);
        }
        Resilience resilience = decision.route().spec().resilience();
        String method = exchange.getRequest().getMethod().name();
        int retries = Recovery.retries(decision, method);
        Mono<Void> call = Mono.defer(() -> attempt(exchange, chain));
        if (retries > 0) {
            call = call.retryWhen(Retry.max(retries).filter(e -> Recovery.retryable(BackendFailure.classify(e)))
                    .doBeforeRetry(signal -> ServerWebExchangeUtils.reset(exchange)));
        }
        if (!decision.toNewService()) {
            // Legacy keeps its behaviour; a 5xx from it passes through as it is.
            return call.onErrorResume(BackendFailure.UpstreamServerError.class, e -> Mono.empty());
        }
        String backend = decision.backend().name();
        CircuitBreaker breaker = breakers.breaker(decision.route().id(), backend, resilience.circuitBreaker());
        return call.transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorResume(error -> recover(exchange, chain, decision, method, error));
    }

    private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).then(Mono.defer(() -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            return status != null && status.is5xxServerError() ? Mono.error(new BackendFailure.UpstreamServerError(status.value()))
                    : Mono.empty();
        }));
    }

    private Mono<Void> recover(ServerWebExchange exchange, GatewayFilterChain chain, RoutingDecision decision, String method, Throwable error) {
        BackendFailure failure = BackendFailure.classify(error);
        if (Recovery.fallsBack(decision, method)) {
            return fallBack(exchange, chain, decision, failure);
        }
        if (failure == BackendFailure.SERVER_ERROR) {
            // The backend answered; its answer goes to the client unchanged.
            return Mono.empty();
        }
        return Mono.error(error);
    }

    private Mono<Void> fallBack(ServerWebExchange exchange, GatewayFilterChain chain, RoutingDecision decision, BackendFailure failure) {
        RoutingDecision fallbackDecision = recovery.fallBack(decision, failure, exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().value());
        ServerWebExchangeUtils.reset(exchange);
        exchange.getAttributes().put(RoutingDecision.ATTRIBUTE, fallbackDecision);
        TargetUrlFilter.point(exchange, fallbackDecision);
        HttpHeaders headers = exchange.getResponse().getHeaders();
        tags.retag(fallbackDecision, headers::set);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return TargetUrlFilter.ORDER + 100;
    }
}
