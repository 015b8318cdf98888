package dev.strangler.gateway.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * What the client is told when the call to a backend failed, the same whichever proxy path served the request.
 *
 * @param retryAfterSeconds the Retry-After value, or null when retrying is not known to be safe
 */
public record BackendProblem(HttpStatus status, String type, String title, String detail, String retryAfterSeconds) {

    static final String RETRY_AFTER_SECONDS = "5";
    private static final Logger log = LoggerFactory.getLogger(BackendProblem.class);

    /** Logs a failed backend call, the same on both proxy paths; with a stack trace only when its kind is unknown. */
    public static void log(BackendFailure failure, String routeId, String method, String path, Throwable error) {
        log.warn("event=backend.failed failure={} route={} method={} path={} error=\"{}\"", failure.tag(), routeId, method, path,
                error.getMessage());
        if (failure == BackendFailure.OTHER) {
            log.error("event=gateway.error route={} error=\"{}\"", routeId, error.toString(), error);
        }
    }

    public static BackendProblem of(BackendFailure failure, String routeId) {
        return switch (failure) {
            // Refused or not attempted: the request provably never reached the backend, so retrying is safe.
            case CIRCUIT_OPEN, REFUSED -> new BackendProblem(failure.status(), "backend-unavailable", "Backend unavailable",
                    "The backend for route '" + routeId + "' is unavailable"
                            + (failure == BackendFailure.CIRCUIT_OPEN ? " (circuit open)" : " (connection refused)")
                            + "; the request did not reach it. Retry later.", RETRY_AFTER_SECONDS);
            case POOL_EXHAUSTED -> new BackendProblem(failure.status(), "backend-busy", "Backend connections exhausted",
                    "Every connection the gateway may open to the backend for route '" + routeId + "' stayed busy for the"
                            + " pool's acquire timeout; the request did not reach it. Retry later.", RETRY_AFTER_SECONDS);
            case TIMEOUT -> new BackendProblem(failure.status(), "backend-timeout", "Backend timed out",
                    "The backend for route '" + routeId + "' did not answer in time; the outcome of the request is unknown.", null);
            case CLOSED -> new BackendProblem(failure.status(), "backend-closed", "Backend closed the connection",
                    "The backend for route '" + routeId + "' closed the connection before answering; the outcome is unknown.", null);
            default -> new BackendProblem(HttpStatus.BAD_GATEWAY, "gateway-error", "Gateway error",
                    "The gateway could not complete the request to route '" + routeId + "'.", null);
        };
    }

    public byte[] json(String instance) {
        return Problems.json(status, type, title, detail, instance);
    }
}
