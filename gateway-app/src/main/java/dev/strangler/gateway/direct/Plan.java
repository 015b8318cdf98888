package dev.strangler.gateway.direct;

import java.time.Duration;

import dev.strangler.gateway.routing.RoutingDecision;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What the direct path does with one request, decided before anything is sent.
 *
 * @param decision the routing decision, as the other path would make it
 * @param path     the request's path as the client sent it, for logs, metrics and problem details
 * @param backend  where the request goes
 * @param uri      the request target the backend gets: its own path prefix, the forwarded path and the query
 * @param timeout  how long the backend may take to start its answer, or null for no limit
 * @param breaker  the route's circuit breaker for a migrated route's backend, or null
 */
record Plan(RoutingDecision decision, String path, BackendAddresses.BackendAddress backend, String uri, Duration timeout,
        CircuitBreaker breaker) {
}
