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
 * Chunks go to the client as they come; nothing waits for the copy.
 */
final class ResponseTee extends ServerHttpResponseDecorator {

    private final CappedBytes body;
    private final int limit;

    ResponseTee(ServerHttpResponse delegate, int limit) {
        super(delegate);
        this.body = new CappedBytes(limit);
        this.limit = limit;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> chunks) {
        return super.writeWith(Flux.from(chunks).doOnNext(body::append));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> chunks) {
        return super.writeAndFlushWith(Flux.from(chunks).map(inner -> Flux.from(inner).doOnNext(body::append)));
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
