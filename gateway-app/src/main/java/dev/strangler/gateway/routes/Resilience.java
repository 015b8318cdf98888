package dev.strangler.gateway.routes;

import java.time.Duration;
import java.util.Set;

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

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** Whether a request of this method may be retried and may fall back: it changes nothing on the backend. */
    public static boolean isSafe(String method) {
        return SAFE_METHODS.contains(method);
    }

    /**
     * @param failureRate percentage of failed calls in the window that opens the circuit
     * @param window      number of calls in the sliding window
     * @param openFor     how long the circuit stays open before it lets a trial call through
     */
    public record CircuitBreakerSpec(int failureRate, int window, Duration openFor) {
    }
}
