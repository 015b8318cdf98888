package dev.strangler.gateway.support;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A real backend that answers 500 while it is "failing" (for the first N calls, or until told otherwise). */
public final class FlakyBackend implements AutoCloseable {

    private final DisposableServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    public FlakyBackend() {
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle((req, res) -> {
            calls.incrementAndGet();
            boolean fail = failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
            return req.receive().then(res.status(fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK)
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just(fail ? "{\"error\":\"boom\"}" : "{\"backend\":\"flaky\"}")).then());
        }).bindNow();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The next {@code n} calls fail with 500; a large number means "failing until told otherwise". */
    public void failNext(int n) {
        failuresLeft.set(n);
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
