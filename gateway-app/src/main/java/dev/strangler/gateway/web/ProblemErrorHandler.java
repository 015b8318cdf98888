package dev.strangler.gateway.web;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns every failure on the public port into problem+json. A connection that was refused provably
 * never reached the backend, so it is a 503 with Retry-After; a timeout leaves the outcome unknown, so
 * it is a 504 and nothing is retried for the client.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ProblemErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);
    static final String RETRY_AFTER_SECONDS = "5";

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String routeId = route == null ? "none" : route.getId();
        Throwable cause = rootCause(ex);
        if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
            log.warn("event=backend.unavailable route={} method={} path={} error=\"{}\"", routeId,
                    exchange.getRequest().getMethod(), exchange.getRequest().getPath(), cause.getMessage());
            exchange.getResponse().getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "backend-unavailable", "Backend unavailable",
                    "The backend for route '" + routeId + "' refused the connection; the request did not reach it. Retry later.");
        }
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException
                || (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504)) {
            log.warn("event=backend.timeout route={} method={} path={}", routeId, exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath());
            return Problems.write(exchange, HttpStatus.GATEWAY_TIMEOUT, "backend-timeout", "Backend timed out",
                    "The backend for route '" + routeId + "' did not answer in time; the outcome of the request is unknown.");
        }
        if (cause instanceof PrematureCloseException) {
            log.warn("event=backend.closed route={} method={} path={}", routeId, exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath());
            return Problems.write(exchange, HttpStatus.BAD_GATEWAY, "backend-closed", "Backend closed the connection",
                    "The backend for route '" + routeId + "' closed the connection before answering.");
        }
        if (ex instanceof ResponseStatusException rse) {
            HttpStatus status = HttpStatus.resolve(rse.getStatusCode().value());
            status = status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
            return Problems.write(exchange, status, "http-" + status.value(), status.getReasonPhrase(),
                    rse.getReason() == null ? status.getReasonPhrase() : rse.getReason());
        }
        log.error("event=gateway.error route={} method={} path={} error=\"{}\"", routeId, exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), ex.toString(), ex);
        return Problems.write(exchange, HttpStatus.BAD_GATEWAY, "gateway-error", "Gateway error",
                "The gateway could not complete the request to route '" + routeId + "'.");
    }

    private static Throwable rootCause(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof ConnectException || t instanceof TimeoutException) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }
}
