package dev.strangler.gateway.edge;

import static dev.strangler.gateway.support.RawExchange.await;
import static dev.strangler.gateway.support.RawExchange.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RawExchange.Reply;
import dev.strangler.gateway.support.RawResponse;
import dev.strangler.gateway.support.RecordingBackend;

/**
 * Requests a backend could read otherwise than the gateway, sent as raw bytes to both proxy paths, in front of a
 * backend that records what it parses. Each must be answered 400 problem+json with the connection closed, and the
 * backend must never parse a request the client did not send as its own.
 */
class RequestSmugglingTest {

    static final RecordingBackend backend = EdgeRoutes.BACKEND;
    static Gateways.BothPaths gateways;

    @BeforeAll
    static void start() {
        gateways = EdgeRoutes.gateways();
    }

    static final List<String> PATHS = List.of("direct", "scg");

    /** The Connection header lines of finding 1, each naming Content-Length. */
    static final List<String> CONNECTION_NAMING_LENGTH = List.of("Connection: Content-Length", "Connection: content-length",
            "Connection: keep-alive, Content-Length", "Connection: close, Content-Length",
            "Connection: keep-alive\r\nConnection: Content-Length", "Connection: keep-alive,CONTENT-LENGTH ");

    static Stream<Arguments> connectionNamingLength() {
        List<Arguments> cases = new ArrayList<>();
        for (String path : PATHS) {
            for (String method : List.of("GET", "HEAD", "DELETE")) {
                for (String connection : CONNECTION_NAMING_LENGTH) {
                    cases.add(Arguments.of(path, method, connection));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} with {2}")
    @MethodSource("connectionNamingLength")
    void aConnectionHeaderNamingContentLengthIsRefusedAndItsBodyNeverBecomesARequest(String path, String method,
            String connection) throws Exception {
        String smuggled = "/smuggled-" + UUID.randomUUID();
        String body = "GET " + smuggled + " HTTP/1.1\r\nHost: a\r\n\r\n";
        Reply reply = exchange(gateways.path(path).port(), method + " /api/orders/1 HTTP/1.1\r\nHost: a\r\n" + connection + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        Thread.sleep(200);
        assertThat(backend.targets()).as("requests the backend parsed").doesNotContain(smuggled);
        assertThat(backend.rawConnections()).as("bytes the backend received").noneMatch(raw -> raw.contains(smuggled));
        assertRefused(reply, 400, method.equals("HEAD"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anAnswerMeantForOneClientNeverReachesAnother(String path) throws Exception {
        // Each event loop has its own backend connections, and a client connection gets its loop when it is
        // accepted: other clients connect first, so that some share the attacker's loop whichever it is.
        List<Socket> others = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket("127.0.0.1", gateways.path(path).port());
                socket.setSoTimeout(5_000);
                others.add(socket);
            }
            // The smuggled request's answer comes late, after the backend connection has gone back to its pool.
            String smuggled = "/slow-" + UUID.randomUUID();
            String body = "GET " + smuggled + " HTTP/1.1\r\nHost: a\r\n\r\n";
            try (Socket attacker = new Socket("127.0.0.1", gateways.path(path).port())) {
                attacker.setSoTimeout(5_000);
                send(attacker, "GET /api/orders/1 HTTP/1.1\r\nHost: a\r\nConnection: Content-Length\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                RawResponse.read(attacker.getInputStream(), false);
                for (int i = 0; i < others.size(); i++) {
                    String victim = "/api/victim-" + i + "-" + UUID.randomUUID();
                    send(others.get(i), "GET " + victim + " HTTP/1.1\r\nHost: a\r\n\r\n");
                    assertThat(RawResponse.read(others.get(i).getInputStream(), false).body()).as("client %d's answer", i)
                            .isEqualTo("GET " + victim + " HTTP/1.1");
                }
            }
        }
        finally {
            for (Socket socket : others) {
                socket.close();
            }
        }
    }

    static Stream<Arguments> badFraming() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
        List<Arguments> cases = List.of(
                Arguments.of("Transfer-Encoding and Content-Length", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("Content-Length and Transfer-Encoding", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("a Transfer-Encoding that is not chunked", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: gzip\r\n\r\n" + smuggled),
                Arguments.of("chunked, then another coding", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("chunked twice", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("a coding that only ends in chunked", "POST /api/f HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("Transfer-Encoding in HTTP/1.0", "POST /api/f HTTP/1.0\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("two Content-Lengths in HTTP/1.0", "POST /api/f HTTP/1.0\r\nHost: a\r\n"
                        + "Content-Length: 0\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled),
                Arguments.of("obs-fold", "GET /api/f HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n"),
                Arguments.of("obs-fold of Transfer-Encoding", "POST /api/f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n"
                        + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled),
                Arguments.of("bare LF line ends", "GET /api/f HTTP/1.1\nHost: a\n\n"),
                Arguments.of("whitespace before the colon", "POST /api/f HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nhello"));
        return PATHS.stream().flatMap(path -> cases.stream().map(c -> Arguments.of(path, c.get()[0], c.get()[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badFraming")
    void ambiguousFramingIsRefusedAndTheConnectionClosed(String path, String what, String request) throws Exception {
        int before = backend.received().size();
        Reply reply = exchange(gateways.path(path).port(), request);

        assertRefused(reply, 400, false);
        Thread.sleep(200);
        assertThat(backend.received().subList(before, backend.received().size()))
                .as("requests the backend parsed").isEmpty();
    }

    static final List<Arguments> BAD_CHUNKS = List.of(
                Arguments.of("a chunk size that overflows an int", "100000005\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk size of 2^31", "80000000\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk size followed by junk", "5 xyz\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk size after whitespace", " 5\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk size that is not hex", "5g\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("an empty chunk size", "\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk size ended by a bare LF", "5\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a chunk extension with a control character", "5;a\u0001b\r\nabcde\r\n0\r\n\r\n"),
                Arguments.of("a bad chunk size after a good chunk", "3\r\nabc\r\n100000002\r\nde\r\n0\r\n\r\n"));

    static Stream<Arguments> badChunks() {
        return PATHS.stream().flatMap(path -> BAD_CHUNKS.stream().map(c -> Arguments.of(path, c.get()[0], c.get()[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badChunks")
    void anInvalidChunkSizeIsAnswered400AndTheConnectionClosed(String path, String what, String chunks) throws Exception {
        String target = "/api/chunks-" + UUID.randomUUID();
        Reply reply = exchange(gateways.path(path).port(), "POST " + target + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks);

        assertThat(reply.closed()).as("the connection is closed: " + reply.text()).isTrue();
        Thread.sleep(200);
        assertThat(backend.targets()).as("requests the backend parsed to their end").doesNotContain(target);
        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.text()).contains("application/problem+json");
    }

    /**
     * The request's head has gone to the backend by the time the bad chunk arrives: its call must be abandoned, not
     * completed with the body read so far. (Spring Cloud Gateway's path is the other half of issue 14.)
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("BAD_CHUNKS")
    void anInvalidChunkSizeNeverCompletesTheBackendRequestOnTheDirectPath(String what, String chunks) throws Exception {
        String target = "/api/chunks-" + UUID.randomUUID();
        exchange(gateways.path("direct").port(), "POST " + target + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);

        Thread.sleep(200);
        assertThat(backend.targets()).as("requests the backend parsed to their end").doesNotContain(target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void validChunkSizesAndExtensionsStillPass(String path) throws Exception {
        String target = "/api/chunks-" + UUID.randomUUID();
        try (Socket socket = new Socket("127.0.0.1", gateways.path(path).port())) {
            socket.setSoTimeout(5_000);
            send(socket, "POST " + target + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "00000003\r\nabc\r\n2 ; name=value\r\nde\r\nA;x=\"q\"\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertThat(RawResponse.read(socket.getInputStream(), false).status()).isEqualTo(200);
        }
        await(() -> backend.targets().contains(target));
        RecordingBackend.Received received = backend.received().stream().filter(r -> r.target().equals(target))
                .findFirst().orElseThrow();
        assertThat(received.body()).isEqualTo("abcde0123456789");
    }

    static void assertRefused(Reply reply, int status, boolean head) throws IOException {
        assertThat(reply.closed()).as("the connection is closed after: " + reply.text()).isTrue();
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.head()).contains("content-type: application/problem+json").contains("connection: close");
        InputStream in = new ByteArrayInputStream(reply.text().getBytes(StandardCharsets.ISO_8859_1));
        RawResponse response = RawResponse.read(in, head);
        if (!head) {
            assertThat(response.body()).contains("\"status\":" + status);
        }
        assertThat(in.readAllBytes()).as("bytes after the one response").isEmpty();
    }

    static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
