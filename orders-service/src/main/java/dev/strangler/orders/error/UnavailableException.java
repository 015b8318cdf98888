package dev.strangler.orders.error;

import java.time.Duration;

/**
 * A dependency (the Dapr sidecar, its state store, or the monolith behind it) cannot be reached right now. The
 * client gets 503 with {@code Retry-After}; nothing was written, so retrying the same request is safe.
 */
public class UnavailableException extends ApiException {

    private final Duration retryAfter;

    public UnavailableException(ProblemType type, String detail, Duration retryAfter, Throwable cause) {
        super(type, detail);
        this.retryAfter = retryAfter;
        initCause(cause);
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
