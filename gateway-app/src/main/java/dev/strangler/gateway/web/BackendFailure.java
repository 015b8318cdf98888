package dev.strangler.gateway.web;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

/**
 * How a call to a backend failed, which decides what the client may be told and whether anything may
 * be retried: only a call that provably never reached the backend is safe to repeat for a write.
 */
public enum BackendFailure {

    /** The circuit is open: the gateway did not call the backend. */
    CIRCUIT_OPEN(HttpStatus.SERVICE_UNAVAILABLE, true),
    /** The backend refused the connection: the request never reached it. */
    REFUSED(HttpStatus.SERVICE_UNAVAILABLE, true),
    /** The gateway's connection pool to the backend was at its limit for the whole acquire timeout: not sent. */
    POOL_EXHAUSTED(HttpStatus.SERVICE_UNAVAILABLE, true),
    /** The backend took the request but did not answer in time: the outcome is unknown. */
    TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, false),
    /** The backend closed the connection before answering: the outcome is unknown. */
    CLOSED(HttpStatus.BAD_GATEWAY, false),
    /** The backend answered with a 5xx. */
    SERVER_ERROR(HttpStatus.BAD_GATEWAY, false),
    OTHER(HttpStatus.BAD_GATEWAY, false);

    private final HttpStatus status;
    private final boolean neverReachedBackend;

    BackendFailure(HttpStatus status, boolean neverReachedBackend) {
        this.status = status;
        this.neverReachedBackend = neverReachedBackend;
    }

    public HttpStatus status() {
        return status;
    }

    public boolean neverReachedBackend() {
        return neverReachedBackend;
    }

    public String tag() {
        return name().toLowerCase().replace('_', '-');
    }

    public static BackendFailure classify(Throwable error) {
        // First, as Spring Cloud Gateway wraps a pool's acquire timeout (a TimeoutException) in its 504 when a
        // response timeout is set: the request never left the gateway, which a timeout would not say.
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PoolExhausted || t instanceof PoolAcquireTimeoutException || t instanceof PoolAcquirePendingLimitException) {
                return POOL_EXHAUSTED;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UpstreamServerError) {
                return SERVER_ERROR;
            }
            if (t instanceof CallNotPermittedException) {
                return CIRCUIT_OPEN;
            }
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException) {
                return REFUSED;
            }
            if (t instanceof TimeoutException || t instanceof ReadTimeoutException
                    || (t instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504)) {
                return TIMEOUT;
            }
            if (t instanceof PrematureCloseException || t instanceof ClosedEarly) {
                return CLOSED;
            }
        }
        return OTHER;
    }

    /** The backend's connection ended before its answer did (the direct path's own PrematureCloseException). */
    public static final class ClosedEarly extends IOException {
        public ClosedEarly(boolean answerBegun) {
            super("Connection prematurely closed " + (answerBegun ? "DURING" : "BEFORE") + " response");
        }
    }

    /** No connection of the direct path's pool freed in time (what Reactor Netty's PoolAcquireTimeoutException says). */
    public static final class PoolExhausted extends TimeoutException {
        public PoolExhausted(Duration acquireTimeout) {
            super("No connection of the pool freed within the acquire timeout of " + acquireTimeout.toMillis() + "ms");
        }
    }

    /** A backend's 5xx answer, raised only so that the circuit breaker counts it as a failure. */
    public static final class UpstreamServerError extends RuntimeException {
        private final int status;

        public UpstreamServerError(int status) {
            super("backend answered " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
