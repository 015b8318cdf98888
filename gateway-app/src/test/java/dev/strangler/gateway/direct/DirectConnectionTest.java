package dev.strangler.gateway.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.strangler.gateway.support.CannedBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RawResponse;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The direct path's own connection handling, which Spring Cloud Gateway's path has no counterpart of to compare
 * with: keep-alive and pipelining on the client's connection, reuse of backend connections, bodies larger than any
 * buffer, and either side going away in the middle of a request.
 */
class DirectConnectionTest {

    static final GatewayFixture fixture = new GatewayFixture();
    static final Backend backend = new Backend();
    static final CannedBackend canned = new CannedBackend(Map.of(
            "/c/extra", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"));
    /** Answers as soon as it has read a request's head, before its body: its own, so the count of its connections is. */
    static final CannedBackend early = new CannedBackend(Map.of(
            "/early", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nearly",
            "/early/ok", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    /** Says Connection: close and keeps the connection open: only the header tells. Its own, so no other test's connection is pooled. */
    static final CannedBackend closer = new CannedBackend(Map.of(
            "/close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye"));
    static ConfigurableApplicationContext gateway;
    static int port;

    @BeforeAll
    static void start() {
        String routes = fixture.header().replace("defaultBackend:",
                "  streams: { url: \"" + backend.url("127.0.0.1") + "\" }\n"
                        + "  named: { url: \"" + backend.url("localhost") + "\" }\n"
                        + "  canned: { url: \"" + canned.url() + "\" }\n"
                        + "  closer: { url: \"" + closer.url() + "\" }\n"
                        + "  early: { url: \"" + early.url() + "\" }\ndefaultBackend:") + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: migrated
                  - id: streams
                    paths: [/s/**]
                    backend: streams
                    stage: migrated
                  - id: named
                    paths: [/named/**]
                    backend: named
                    stage: migrated
                    rewrite: { prefix: /named, to: /s }
                  - id: canned
                    paths: [/c/**]
                    backend: canned
                    stage: migrated
                  - id: closer
                    paths: [/close]
                    backend: closer
                    stage: migrated
                  - id: early
                    paths: [/early, /early/**]
                    backend: early
                    stage: migrated
                """;
        // Never closed before the JVM exits: closing an application stops Reactor Netty's global event loops, which the
        // gateways other classes share run on.
        gateway = Gateways.of(routes).context();
        port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        backend.close();
        canned.close();
        closer.close();
        early.close();
        fixture.legacy.close();
        fixture.orders.close();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhicheverPathServesEach() throws Exception {
        try (Socket socket = socket()) {
            String body = "{\"n\":4}";
            send(socket, "GET /api/orders/1 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /actuator/health HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /api/orders/3 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /api/orders HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /products/5 HTTP/1.1\r\nHost: a\r\n\r\n");
            InputStream in = socket.getInputStream();
            RawResponse first = RawResponse.read(in, false);
            RawResponse second = RawResponse.read(in, false);
            RawResponse third = RawResponse.read(in, false);
            RawResponse fourth = RawResponse.read(in, false);
            RawResponse fifth = RawResponse.read(in, false);

            assertThat(first.body()).contains("\"uri\":\"/api/orders/1\"");
            assertThat(second.status()).as("a hidden path, answered by Spring Cloud Gateway").isEqualTo(404);
            assertThat(second.headers().get("content-type")).containsExactly("application/problem+json");
            assertThat(third.body()).contains("\"uri\":\"/api/orders/3\"");
            assertThat(fourth.body()).contains("\"method\":\"POST\"").contains("\"body\":\"{\\\"n\\\":4}\"");
            assertThat(fifth.body()).contains("\"backend\":\"legacy\"").contains("\"uri\":\"/products/5\"");
        }
    }

    @Test
    void aKeepAliveClientIsServedOverOneBackendConnection() throws Exception {
        int before = backend.connections.get();
        try (Socket socket = socket()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 20; i++) {
                send(socket, "GET /s/port HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(RawResponse.read(in, false).status()).isEqualTo(200);
            }
        }
        assertThat(backend.connections.get() - before).as("backend connections opened for 20 requests in turn").isEqualTo(1);
    }

    @Test
    void aBackendConnectionTheBackendClosesIsNotUsedAgain() throws Exception {
        int before = backend.connections.get();
        try (Socket socket = socket()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 5; i++) {
                send(socket, "GET /s/close HTTP/1.1\r\nHost: a\r\n\r\n");
                RawResponse response = RawResponse.read(in, false);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.headers()).as("the backend's Connection header is its own").doesNotContainKey("connection");
            }
        }
        assertThat(backend.connections.get() - before).isEqualTo(5);
    }

    @Test
    void aBackendConnectionWhoseAnswerSaidCloseIsNotUsedAgainEvenBeforeItCloses() throws Exception {
        int before = closer.connections();
        try (Socket socket = socket()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                send(socket, "GET /close HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(RawResponse.read(in, false).body()).isEqualTo("bye");
            }
        }
        assertThat(closer.connections() - before).isEqualTo(3);
    }

    @Test
    void aPooledConnectionTheBackendDropsWhileIdleIsReplaced() throws Exception {
        assertThat(Http.get(url("/s/port")).statusCode()).isEqualTo(200);
        // The backend closes connections idle for more than 200 ms.
        Thread.sleep(600);
        HttpResponse<String> again = Http.get(url("/s/port"));
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    void largeBodiesStreamBothWaysIntact() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int size = 8 * 1024 * 1024;
        HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(URI.create(url("/s/bytes?n=" + size)))
                .timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize(size);
        assertThat(crc(download.body())).isEqualTo(crc(Backend.pattern(size)));

        byte[] upload = Backend.pattern(size + 7);
        HttpResponse<String> uploaded = client.send(HttpRequest.newBuilder(URI.create(url("/s/crc")))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).isEqualTo(200);
        assertThat(uploaded.body()).isEqualTo(upload.length + ":" + crc(upload));
    }

    @Test
    void aBackendThatDiesMidAnswerEndsTheClientsResponseEarlyAndTheGatewayServesOn() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "GET /s/partial HTTP/1.1\r\nHost: a\r\n\r\n");
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text.toLowerCase()).startsWith("http/1.1 200").contains("content-length: 1000").endsWith("\r\n\r\n0123456789");
        }
        assertThat(Http.get(url("/s/port")).statusCode()).isEqualTo(200);
        assertThat(metrics()).containsPattern(
                "strangler_requests_seconds_count\\{backend=\"streams\",outcome=\"SERVER_ERROR\",route=\"streams\",stage=\"migrated\"} [1-9]");
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerIsCountedAs499AndTheGatewayServesOn() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "GET /api/orders/9?sleepMs=1000 HTTP/1.1\r\nHost: a\r\n\r\n");
            Thread.sleep(200);
        }
        String clientError = "strangler_requests_seconds_count\\{backend=\"orders\",outcome=\"CLIENT_ERROR\",route=\"orders-api\","
                + "stage=\"migrated\"} [1-9]";
        for (int i = 0; i < 100 && !java.util.regex.Pattern.compile(clientError).matcher(metrics()).find(); i++) {
            Thread.sleep(20);
        }
        assertThat(metrics()).containsPattern(clientError);
        assertThat(Http.get(url("/api/orders/10")).statusCode()).isEqualTo(200);
    }

    @Test
    void bytesABackendSendsAfterItsAnswerNeverReachTheNextRequest() throws Exception {
        try (Socket socket = socket()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                send(socket, "GET /c/extra HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(RawResponse.read(in, false).body()).as("answer %d", i).isEqualTo("ok");
            }
        }
    }

    @Test
    void aBodyThatCannotBeDecodedNeverReachesTheBackendAsComplete() throws Exception {
        int before = backend.bodiesRead.get();
        try (Socket socket = socket()) {
            send(socket, "POST /s/crc HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).as("a 400, then the close").startsWith("HTTP/1.1 400 ");
        }
        Thread.sleep(300);
        assertThat(backend.bodiesRead.get()).as("bodies the backend read to their end").isEqualTo(before);
    }

    @Test
    void aBackendThatDiesMidChunkedAnswerClosesTheClientWithoutALastChunk() throws Exception {
        try (Socket socket = socket()) {
            send(socket, "GET /s/partial-chunked HTTP/1.1\r\nHost: a\r\n\r\n");
            // Read to the close: a connection left open fails on the socket timeout.
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(text.toLowerCase()).startsWith("http/1.1 200").contains("transfer-encoding: chunked")
                    .contains("\r\n\r\n5\r\n01234\r\n");
            assertThat(text).as("a truncated answer never ends with the last chunk").doesNotContain("\r\n0\r\n\r\n");
        }
    }

    @Test
    void aBackendConnectionWhoseAnswerCameBeforeTheWholeRequestIsNotUsedAgain() throws Exception {
        int before = early.connections();
        try (Socket socket = socket()) {
            InputStream in = socket.getInputStream();
            send(socket, "POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabcd");
            assertThat(RawResponse.read(in, false).body()).isEqualTo("early");
            // The rest of the body goes nowhere; the backend had taken the first bytes for its next request's head.
            send(socket, "efghij");
            send(socket, "GET /early/ok HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(RawResponse.read(in, false).body()).isEqualTo("ok");
        }
        assertThat(early.connections() - before).as("backend connections for two requests in turn").isEqualTo(2);
    }

    @Test
    void aBackendNamedByHostNameIsResolved() {
        HttpResponse<String> response = Http.get(url("/named/port"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Strangler-Backend")).hasValue("named");
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static String metrics() {
        int management = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
        return Http.get("http://127.0.0.1:" + management + "/actuator/prometheus").body();
    }

    static Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /**
     * A backend on loopback that counts its connections and closes those idle for 200 ms. {@code /s/port} answers
     * with the client port of the connection, {@code /s/close} answers with Connection: close, {@code /s/bytes?n=N}
     * streams N bytes, {@code /s/crc} answers with the length and CRC-32 of the body it got, {@code /s/partial}
     * promises 1,000 bytes and closes the connection after 10, and {@code /s/partial-chunked} closes it after two
     * chunks, without the last one.
     */
    static final class Backend implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger bodiesRead = new AtomicInteger();
            final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).idleTimeout(Duration.ofMillis(200))
                .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
                .route(routes -> routes
                        .get("/s/port", (req, res) -> res.sendString(Mono.just(Integer.toString(req.remoteAddress().getPort()))))
                        .get("/s/close", (req, res) -> res.keepAlive(false).sendString(Mono.just("bye")))
                        .get("/s/bytes", (req, res) -> {
                            int n = Integer.parseInt(req.param("n") == null ? query(req.uri()) : req.param("n"));
                            byte[] all = pattern(n);
                            List<byte[]> chunks = new ArrayList<>();
                            for (int i = 0; i < n; i += 65536) {
                                chunks.add(java.util.Arrays.copyOfRange(all, i, Math.min(n, i + 65536)));
                            }
                            return res.sendByteArray(Flux.fromIterable(chunks));
                        })
                        .post("/s/crc", (req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                                .doOnNext(bytes -> bodiesRead.incrementAndGet())
                                .flatMap(bytes -> res.sendString(Mono.just(bytes.length + ":" + crc(bytes))).then()))
                        .get("/s/partial-chunked", (req, res) -> res
                                .send(Flux.just("01234", "56789").map(text -> Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII))))
                                .then(Mono.fromRunnable(() -> req.withConnection(c -> c.channel().close()))))
                        .get("/s/partial", (req, res) -> res.header("Content-Length", "1000")
                                .send(Mono.just(Unpooled.wrappedBuffer("0123456789".getBytes(StandardCharsets.US_ASCII))))
                                .then(Mono.fromRunnable(() -> req.withConnection(c -> c.channel().close())))))
                .bindNow();

        String url(String host) {
            return "http://" + host + ":" + server.port();
        }

        static String query(String uri) {
            return uri.substring(uri.indexOf("n=") + 2);
        }

        static byte[] pattern(int n) {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (i % 251);
            }
            return bytes;
        }

        @Override
        public void close() {
            server.disposeNow();
        }
    }
}
