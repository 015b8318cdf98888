package dev.strangler.gateway.shadow;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The client's response, unchanged, with a copy of its body kept on the side (up to a limit) for the comparison.
 * Chunks go to the client as they come; nothing waits for the copy. A body past the limit (a large download, an
 * endless event stream) ends the comparison at once, so the copy's slot is not held for as long as the stream lasts.
 */
final class ResponseTee extends ServerHttpResponseDecorator {

    private final CappedBytes body;
    private final int limit;
    private final ShadowCopy copy;

    ResponseTee(ServerHttpResponse delegate, int limit, ShadowCopy copy) {
        super(delegate);
        this.body = new CappedBytes(limit);
        this.limit = limit;
        this.copy = copy;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> chunks) {
        return super.writeWith(Flux.from(chunks).doOnNext(this::keep));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> chunks) {
        return super.writeAndFlushWith(Flux.from(chunks).map(inner -> Flux.from(inner).doOnNext(this::keep)));
    }

    private void keep(DataBuffer chunk) {
        if (!body.overflowed()) {
            body.append(chunk);
            if (body.overflowed()) {
                copy.primaryUnusable(new NotCompared(NotCompared.Outcome.FAILED, "primary-body-too-large"));
            }
        }
    }

    /** What the client got; call once the response is complete. */
    CapturedResponse captured() {
        if (body.overflowed()) {
            throw new NotCompared(NotCompared.Outcome.FAILED, "primary-body-too-large");
        }
        HttpStatusCode status = getStatusCode();
        HttpHeaders headers = new HttpHeaders();
        getHeaders().forEach(headers::addAll);
        return new CapturedResponse(status == null ? 200 : status.value(), headers,
                BodyDecoding.decode(headers, body.toByteArray(), limit));
    }
}
