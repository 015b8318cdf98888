package dev.strangler.gateway.routes;

import java.time.Duration;

/**
 * Per-route protection of the backend call.
 *
 * @param timeout        response timeout, or null for the gateway-wide default
 * @param retries        extra attempts for safe methods
 * @param circuitBreaker thresholds, or null for the defaults
 * @param fallback       backend name that serves safe methods when the primary fails, or null
 */
public record Resilience(Duration timeout, int retries, CircuitBreakerSpec circuitBreaker, String fallback) {

    public static final Resilience NONE = new Resilience(null, 0, null, null);

    /**
     * @param failureRate percentage of failed calls in the window that opens the circuit
     * @param window      number of calls in the sliding window
     * @param openFor     how long the circuit stays open before it lets a trial call through
     */
    public record CircuitBreakerSpec(int failureRate, int window, Duration openFor) {
    }
}
