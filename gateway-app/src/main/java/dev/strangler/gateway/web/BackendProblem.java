package dev.strangler.gateway.web;

import org.springframework.http.HttpStatus;

/**
 * What the client is told when the call to a backend failed, the same whichever proxy path served the request.
 *
 * @param retryAfterSeconds the Retry-After value, or null when retrying is not known to be safe
 */
public record BackendProblem(HttpStatus status, String type, String title, String detail, String retryAfterSeconds) {

    static final String RETRY_AFTER_SECONDS = "5";

    public static BackendProblem of(BackendFailure failure, String routeId) {
        return switch (failure) {
            // Refused or not attempted: the request provably never reached the backend, so retrying is safe.
            case CIRCUIT_OPEN, REFUSED -> new BackendProblem(failure.status(), "backend-unavailable", "Backend unavailable",
                    "The backend for route '" + routeId + "' is unavailable"
                            + (failure == BackendFailure.CIRCUIT_OPEN ? " (circuit open)" : " (connection refused)")
                            + "; the request did not reach it. Retry later.", RETRY_AFTER_SECONDS);
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
