package dev.strangler.gateway.shadow;

import java.util.function.Function;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.util.function.Tuple2;

/**
 * The copy of one sampled request: the shadow call, started once the request (and its body, if any) is known,
 * and the two answers it waits for. Each answer is either a captured response or a {@link NotCompared} error.
 */
final class ShadowCopy {

    private final ShadowClient client;
    private final Function<byte[], ShadowRequest> request;
    private final Sinks.One<CapturedResponse> primary = Sinks.one();
    private final Sinks.One<CapturedResponse> shadow = Sinks.one();
    private boolean started;
    private boolean closed;
    private Disposable call;
    /** The primary is timed from the copy's creation, as its request is forwarded, to its response's end. */
    private final long createdNanos = System.nanoTime();
    private volatile long primaryNanos;
    private volatile long shadowNanos;

    /** @param request builds the copy from the request body (null when the request has none) */
    ShadowCopy(ShadowClient client, Function<byte[], ShadowRequest> request) {
        this.client = client;
        this.request = request;
    }

    /** Sends the copy; only the first of {@code send} and {@link #abandon} has an effect. */
    synchronized void send(byte[] body) {
        if (started || closed) {
            return;
        }
        started = true;
        ShadowRequest copy;
        try {
            copy = request.apply(body);
        }
        catch (RuntimeException e) {
            shadow.tryEmitError(new NotCompared(NotCompared.Outcome.FAILED, "invalid-copy", e));
            return;
        }
        long sentNanos = System.nanoTime();
        call = client.send(copy).subscribe(answer -> {
            shadowNanos = System.nanoTime() - sentNanos;
            shadow.tryEmitValue(answer);
        }, shadow::tryEmitError);
    }

    /** Gives up the copy before it was sent. */
    synchronized void abandon(NotCompared why) {
        if (started) {
            return;
        }
        started = true;
        shadow.tryEmitError(why);
    }

    /** The client's response ended with {@code signal}; a copy still waiting for its body is never sent. */
    void primaryEnded(SignalType signal, ResponseTee response) {
        primaryDone();
        if (signal == SignalType.ON_COMPLETE) {
            try {
                primaryAnswered(response.captured());
            }
            catch (NotCompared e) {
                primaryUnusable(e);
            }
        }
        else {
            String reason = signal == SignalType.CANCEL ? "client-cancelled" : "primary-failed";
            primaryUnusable(new NotCompared(NotCompared.Outcome.SKIPPED, reason));
        }
        abandon(new NotCompared(NotCompared.Outcome.DROPPED, "request-body-not-read"));
    }

    /** The client's response has ended: the primary is timed from the copy's creation to now. */
    void primaryDone() {
        primaryNanos = System.nanoTime() - createdNanos;
    }

    /** What the client got, whole. */
    void primaryAnswered(CapturedResponse answer) {
        primary.tryEmitValue(answer);
    }

    /** The client's response cannot be compared, whatever happens next. */
    void primaryUnusable(NotCompared why) {
        primary.tryEmitError(why);
    }

    /** How much longer the shadow backend took to answer than the primary; read once {@link #answers} has both. */
    long shadowMinusPrimaryNanos() {
        return shadowNanos - primaryNanos;
    }

    /** Both answers, or the first reason there is nothing to compare. */
    Mono<Tuple2<CapturedResponse, CapturedResponse>> answers() {
        return Mono.zip(primary.asMono(), shadow.asMono());
    }

    /** Stops a shadow call nobody waits for any more (the primary failed first). */
    synchronized void close() {
        closed = true;
        if (call != null) {
            call.dispose();
        }
    }
}
