package dev.strangler.gateway.edge;

import static dev.strangler.gateway.support.RawExchange.readToClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RawExchange.Reply;
import dev.strangler.gateway.support.RawResponse;

/**
 * Clients that hold a connection without finishing a request: with {@code strangler.edge.header-read-timeout=1s}, a
 * head trickled byte by byte, or never begun, ends in a 408 and the close; a connection idle between requests is
 * closed after {@code server.netty.idle-timeout}. Bounded: each client gives up after 10 s.
 */
class SlowClientTest {

    static Gateways.BothPaths gateways;

    @BeforeAll
    static void start() {
        gateways = EdgeRoutes.gateways("strangler.edge.header-read-timeout=1s", "server.netty.idle-timeout=1s");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aHeadTrickledSlowerThanTheHeaderTimeoutIsAnswered408AndClosed(String path) throws Exception {
        byte[] head = "GET /api/slow-head HTTP/1.1\r\nHost: a\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        AtomicInteger sent = new AtomicInteger();
        try (Socket socket = new Socket("127.0.0.1", gateways.path(path).port())) {
            socket.setSoTimeout(10_000);
            Thread trickle = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    // One byte every 100 ms: the whole head would take about 8 s, but no 1 s gap passes without a byte.
                    for (int i = 0; i < head.length - 2; i++) {
                        out.write(head[i]);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(100);
                    }
                }
                catch (Exception e) {
                    // The gateway closed the connection.
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            Reply reply = readToClose(socket.getInputStream());
            trickle.interrupt();

            assertThat(reply.closed()).as("closed before the client gave up").isTrue();
            assertThat(reply.status()).isEqualTo(408);
            assertThat(reply.head()).contains("content-type: application/problem+json").contains("connection: close");
            assertThat(sent.get()).as("bytes sent before the close").isLessThan(head.length - 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aConnectionThatNeverSendsARequestIsClosed(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateways.path(path).port())) {
            socket.setSoTimeout(10_000);
            assertThat(readToClose(socket.getInputStream()).closed()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aKeepAliveConnectionIdleBetweenRequestsIsClosed(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateways.path(path).port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 2; i++) {
                out.write("GET /api/idle HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
            }
            Reply rest = readToClose(socket.getInputStream());
            assertThat(rest.closed()).as("closed while idle").isTrue();
            assertThat(rest.text()).isEmpty();
        }
    }

    /** The idle timeout is for the wait between requests: an answer slower than it, after a first one, is not cut. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anAnswerSlowerThanTheIdleTimeoutIsNotCut(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateways.path(path).port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/idle HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
            // 600 ms into the idle period, so that a timer armed by the first answer comes due during the second.
            Thread.sleep(600);
            out.write("GET /slower HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
        }
    }

    /**
     * A request the direct path passes on to Reactor Netty (an absolute-form target) makes Reactor Netty time the
     * connection again after its answer: a slow direct answer next on the same connection is not cut by that timer.
     */
    @Test
    void aSlowDirectAnswerAfterOnePassedOnToReactorNettyIsNotCut() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateways.direct().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET http://a/api/idle HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
            Thread.sleep(600);
            out.write("GET /slower HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
        }
    }
}
