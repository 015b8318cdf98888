package dev.strangler.gateway.shadow;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

import reactor.core.publisher.Flux;

/**
 * The client's request, unchanged, whose body is copied (up to a limit) as the primary reads it. The shadow copy
 * is sent once the whole body has passed, so the primary never waits for a body to be buffered first. Only the
 * first read is copied: a filter that replays a cached body would otherwise copy it twice.
 */
final class RequestTee extends ServerHttpRequestDecorator {

    private final ShadowCopy copy;
    private final int limit;
    private final AtomicBoolean claimed = new AtomicBoolean();

    RequestTee(ServerHttpRequest delegate, ShadowCopy copy, int limit) {
        super(delegate);
        this.copy = copy;
        this.limit = limit;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        Flux<DataBuffer> body = super.getBody();
        if (!claimed.compareAndSet(false, true)) {
            return body;
        }
        CappedBytes bytes = new CappedBytes(limit);
        return body.doOnNext(chunk -> {
            bytes.append(chunk);
            if (bytes.overflowed()) {
                copy.abandon(new NotCompared(NotCompared.Outcome.DROPPED, "request-body-too-large"));
            }
        }).doOnComplete(() -> {
            if (!bytes.overflowed()) {
                copy.send(bytes.toByteArray());
            }
        });
    }
}
