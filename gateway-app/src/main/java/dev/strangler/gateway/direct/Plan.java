package dev.strangler.gateway.direct;

import java.time.Duration;

import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RoutingDecision;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpRequest;

/**
 * What the direct path does with one request, decided before anything is sent.
 *
 * @param decision the routing decision, as the other path would make it
 * @param path     the request's path as the client sent it, for logs, metrics and problem details
 * @param backend  where the request goes
 * @param uri      the request target the backend gets: its own path prefix, the forwarded path and the query
 * @param timeout  how long the backend may take to start its answer, on each attempt, or null for no limit
 * @param breaker  the route's circuit breaker for a migrated route's backend, or null
 * @param retries  how many more attempts the request may make after a failed one (only a bodiless safe request has any)
 * @param fallback where the request goes when the call to the new service failed, or null (only for a bodiless safe
 *                 request)
 * @param shadow   the copy to make for the shadow backend, or null (only for a request without a body)
 * @param handedOver the request as Spring Cloud Gateway gets it, carrying the decision, when that path serves it
 *                 (see {@link #handOver}); null when this path does, and then the only component that is not
 */
record Plan(RoutingDecision decision, String path, BackendAddresses.BackendAddress backend, String uri, Duration timeout,
        CircuitBreaker breaker, int retries, Fallback fallback, Shadow shadow, HttpRequest handedOver) {

    /**
     * A request whose decision this path took but which Spring Cloud Gateway serves (a shadow copy is to be made): it
     * gets {@code handedOver}, which carries the decision.
     */
    static Plan handOver(RoutingDecision decision, HttpRequest handedOver) {
        return new Plan(decision, null, null, null, null, null, 0, null, null, handedOver);
    }

    /** Whether the request may go to a backend more than once, which only a request without a body can. */
    boolean guarded() {
        return retries > 0 || fallback != null;
    }

    /**
     * @param path  the request's path, normalized, as the copy's target is made from it
     * @param query the raw query, or null
     */
    record Shadow(RequestPath path, String query) {
    }

    /**
     * @param backend the fallback backend's address
     * @param uri     the request target the fallback backend gets
     */
    record Fallback(BackendAddresses.BackendAddress backend, String uri) {
    }
}
