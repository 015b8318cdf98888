package dev.strangler.gateway.scg;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.web.BackendFailure;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Spring Cloud Gateway's side of {@link TrafficObserver}: each exchange is recorded once it completes, with the
 * status it ended with (499 when the client went away first) and how the backend call failed, if it did.
 */
public final class TrafficObserverFilter implements GlobalFilter, Ordered {

    private final TrafficObserver observer;

    public TrafficObserverFilter(TrafficObserver observer) {
        this.observer = observer;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange)
                .doOnError(error -> {
                    BackendFailure failure = BackendFailure.classify(error);
                    record(exchange, start, failure.status().value(), failure.tag());
                })
                .doFinally(signal -> {
                    if (signal != SignalType.ON_ERROR) {
                        HttpStatusCode status = exchange.getResponse().getStatusCode();
                        int code = status == null ? 200 : status.value();
                        record(exchange, start, signal == SignalType.CANCEL ? 499 : code, null);
                    }
                });
    }

    private void record(ServerWebExchange exchange, long start, int status, String failure) {
        RoutingDecision decision = ExchangeDecision.of(exchange);
        if (decision == null) {
            return;
        }
        observer.record(decision, exchange.getRequest().getMethod().name(), exchange.getRequest().getPath().value(), status, failure,
                System.nanoTime() - start, observer.logsRequests() ? traceId(exchange) : null);
    }

    private static String traceId(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> {
                    TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
                    return tracing == null || tracing.getSpan() == null ? null : tracing.getSpan().context().traceId();
                })
                .orElse("-");
    }

    @Override
    public int getOrder() {
        return MigrationRoutingFilter.ORDER + 5;
    }
}
