package dev.strangler.gateway.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.strangler.gateway.support.Backends;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RawResponse;
import dev.strangler.gateway.support.RecordingBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.netty.util.concurrent.EventExecutor;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * A pooled backend connection that the backend resets just as the gateway sends the next request on it: the request
 * failed before any byte of it reached the backend, so the gateway sends it again, once, on a new connection, and the
 * client gets the backend's answer instead of a 502.
 *
 * <p>The race is made deterministic by holding the gateway's event loops: while they are held, the client's request
 * arrives, then the backend's RST. The loop then reads the request before it learns of the reset (epoll reports
 * descriptors in the order they became ready), takes the pooled connection, which it still believes open, and its
 * write of the head fails, exactly as in production when the backend's keep-alive timeout strikes.
 */
class ReusedConnectionResendTest {

    static final RecordingBackend backend = Backends.recording("resend");
    static final String ROUTES = "backends:\n  legacy: { url: \"" + backend.url() + "\" }\n"
                + "  recording: { url: \"" + backend.url() + "\" }\n"
                + """
                defaultBackend: legacy
                routes:
                  - id: recording
                    paths: [/r/**]
                    backend: recording
                    stage: migrated
                """;
    static int port;

    @BeforeAll
    static void start() {
        port = Gateways.of(ROUTES).port();
    }

    @Test
    void aBodilessRequestOnAPooledConnectionTheBackendResetGoesOnceMoreOnANewConnection() throws Throwable {
        RecordingBackend.Received received = sendAfterReset("GET /r/get-again HTTP/1.1\r\nHost: a\r\n\r\n", "",
                "GET /r/get-again HTTP/1.1");
        assertThat(received.body()).isEmpty();
    }

    @Test
    void aRequestWithABodyOnAPooledConnectionTheBackendResetGoesOnceMoreWhole() throws Throwable {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 1024 * 1024; i++) {
            body.append(i).append(',');
        }
        // The first 16 KB arrive with the head, the rest once the gateway is sending the request again.
        String head = "POST /r/post-again HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n";
        RecordingBackend.Received received = sendAfterReset(head + body.substring(0, 16 * 1024), body.substring(16 * 1024),
                "POST /r/post-again HTTP/1.1");
        assertThat(received.body()).as("the body, neither lost nor sent twice").isEqualTo(body.toString());
    }

    @Test
    void theResendInABoundedPoolIsServedOnANewConnectionThePoolCounts() throws Throwable {
        // One connection per event loop: the new connection may open only once the refused one has closed (or it
        // would wait, then fail, for a place the refused one holds), and the pool counts it as any other.
        int loops = LoopResources.DEFAULT_IO_WORKER_COUNT;
        Gateways.Gateway limited = Gateways.of(ROUTES, "spring.cloud.gateway.server.webflux.httpclient.pool.type=fixed",
                "spring.cloud.gateway.server.webflux.httpclient.pool.max-connections=" + loops,
                "spring.cloud.gateway.server.webflux.httpclient.pool.acquire-timeout=5000",
                "spring.cloud.gateway.server.webflux.httpclient.pool.metrics=true");
        sendAfterReset(limited.port(), "GET /r/get-in-bounded-pool HTTP/1.1\r\nHost: a\r\n\r\n", "",
                "GET /r/get-in-bounded-pool HTTP/1.1");

        MeterRegistry meters = limited.context().getBean(MeterRegistry.class);
        Tags pool = Tags.of("id", "direct", "remote.address", "127.0.0.1:" + URI.create(backend.url()).getPort());
        // The connection goes back to the pool once its answer has ended, which may be just after the client has it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (meters.get("reactor.netty.connection.provider.idle.connections").tags(pool).gauge().value() != 1) {
            assertThat(System.nanoTime()).as("the new connection idle in the pool within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(meters.get("reactor.netty.connection.provider.total.connections").tags(pool).gauge().value())
                .as("the refused connection gone, the new one counted").isEqualTo(1);
        assertThat(meters.get("reactor.netty.connection.provider.active.connections").tags(pool).gauge().value()).isZero();
        assertThat(meters.get("reactor.netty.connection.provider.pending.connections").tags(pool).gauge().value()).isZero();
    }

    private RecordingBackend.Received sendAfterReset(String request, String rest, String requestLine) throws Throwable {
        return sendAfterReset(port, request, rest, requestLine);
    }

    private RecordingBackend.Received sendAfterReset(int port, String request, String rest, String requestLine) throws Throwable {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write("GET /r/first HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawResponse.read(in, false).body()).isEqualTo("GET /r/first HTTP/1.1");
            int connectionsBefore = backend.connections();

            withEventLoopsHeld(() -> {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(100);
                assertThat(in.available()).as("no answer while the gateway's event loops are held").isZero();
                backend.resetOpenConnections();
                Thread.sleep(100);
            });
            out.write(rest.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            RawResponse answer = RawResponse.read(in, false);
            assertThat(answer.status()).as("the backend's answer, not a 502: %s", answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(requestLine);
            List<RecordingBackend.Received> parsed = backend.received().stream()
                    .filter(r -> r.requestLine().equals(requestLine)).toList();
            assertThat(parsed).as("the request at the backend").hasSize(1);
            assertThat(parsed.get(0).connection()).as("sent on a connection opened after the reset").isGreaterThan(connectionsBefore);
            return parsed.get(0);
        }
    }

    /** Runs {@code whileHeld} while every event loop of the public port's server runs a task that waits for it. */
    private static void withEventLoopsHeld(Executable whileHeld) throws Throwable {
        List<EventExecutor> loops = new ArrayList<>();
        HttpResources.get().onServer(true).forEach(loops::add);
        CountDownLatch held = new CountDownLatch(loops.size());
        CountDownLatch release = new CountDownLatch(1);
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("every event loop held").isTrue();
            whileHeld.execute();
        }
        finally {
            release.countDown();
        }
    }
}
