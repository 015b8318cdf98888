package dev.strangler.gateway.web;


import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Turns every failure on the public port into problem+json. A connection that was refused provably
 * never reached the backend, so it is a 503 with Retry-After; a timeout leaves the outcome unknown, so
 * it is a 504 and nothing is retried for the client. A failure after the answer started closes the connection.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ProblemErrorHandler implements ErrorWebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? "none" : route.getId();
        if (exchange.getResponse().isCommitted()) {
            // Part of an answer is on its way (a backend that died mid-response): no problem document can follow,
            // so the error goes on to Reactor Netty, which closes the connection without ending the body. Swallowed
            // here, the response would complete: a chunked body terminated as if whole, or a Content-Length body
            // short of its length on a connection kept open, whose next answer the client reads as the rest of it.
            BackendProblem.log(BackendFailure.classify(ex), routeId, exchange.getRequest().getMethod().name(),
                    exchange.getRequest().getPath().value(), ex);
            return Mono.error(ex);
        }
        if (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() != 504) {
            HttpStatus status = HttpStatus.resolve(rse.getStatusCode().value());
            status = status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
            return Problems.write(exchange, status, "http-" + status.value(), status.getReasonPhrase(),
                    rse.getReason() == null ? status.getReasonPhrase() : rse.getReason());
        }
        BackendFailure failure = BackendFailure.classify(ex);
        BackendProblem.log(failure, routeId, exchange.getRequest().getMethod().name(), exchange.getRequest().getPath().value(), ex);
        BackendProblem problem = BackendProblem.of(failure, routeId);
        if (problem.retryAfterSeconds() != null) {
            exchange.getResponse().getHeaders().set("Retry-After", problem.retryAfterSeconds());
        }
        return Problems.write(exchange, problem.status(), problem.type(), problem.title(), problem.detail());
    }

}
