package dev.strangler.gateway.desync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RecordingBackend;
import dev.strangler.gateway.support.StrictRequestParser;

/**
 * Response and request integrity on Spring Cloud Gateway's path: with {@code strangler.direct-path=false}, and for
 * the requests the direct path hands to it (an absolute-form target, {@code Expect: 100-continue}). A backend that
 * dies part way through an answer leaves the client with a connection that closes, never one kept open after a
 * short Content-Length body nor a chunked body terminated as if whole; a request body that turns malformed part way
 * aborts the backend request instead of completing it.
 */
class SpringCloudGatewayPathIntegrityTest {

    static final RecordingBackend recording = DesyncRoutes.UPLOADS;
    static Gateways.BothPaths gateways;

    @BeforeAll
    static void start() {
        gateways = DesyncRoutes.gateways();
    }

    /** How a request reaches Spring Cloud Gateway: which gateway, and how the request line and head are written. */
    record Way(String name, boolean directPath, String requestLine, String extraHead) {

        String request(String method, String path, String head) {
            return method + " " + requestLine.replace("{path}", path) + " HTTP/1.1\r\nHost: gw\r\n" + extraHead + head + "\r\n";
        }

        int port() {
            return gateways.path(directPath).port();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> ways() {
        return Stream.of(
                Arguments.of(new Way("strangler.direct-path=false", false, "{path}", "")),
                Arguments.of(new Way("absolute-form target, handed over by the direct path", true, "http://gw{path}", "")),
                Arguments.of(new Way("Expect: 100-continue, handed over by the direct path", true, "{path}",
                        "Expect: 100-continue\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ways")
    void aContentLengthAnswerTheBackendCutsShortClosesTheClientConnection(Way way) throws Exception {
        String requests = way.request("GET", "/cut/length", "") + way.request("GET", "/next", "");
        String received = exchange(way.port(), requests);

        assertThat(received).as("what the client received").startsWith("HTTP/1.1 200").contains("0123456789");
        assertThat(received.split("HTTP/1.1 ", -1)).as("the next request is not answered into the short body").hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ways")
    void aChunkedAnswerTheBackendCutsShortIsNeverTerminated(Way way) throws Exception {
        String received = exchange(way.port(), way.request("GET", "/cut/chunked", ""));

        assertThat(received).as("what the client received").startsWith("HTTP/1.1 200").contains("hello");
        assertThat(received).as("a last chunk would tell the client the truncated body is whole").doesNotContain("\r\n0\r\n\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ways")
    void aChunkedRequestBodyThatTurnsMalformedAbortsTheBackendRequest(Way way) throws Exception {
        String label = "malformed-body/" + way.name();
        recording.label(label);
        String head = way.request("POST", "/upload", "Transfer-Encoding: chunked\r\n");
        String received;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), way.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // The first chunk is on its way to the backend before the body turns malformed.
            Thread.sleep(300);
            out.write("zz\r\nworld\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            received = readToClose(socket.getInputStream());
        }

        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!recording.openWithPartialRequest().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(recording.received(label)).as("requests the backend parsed as complete")
                .extracting(r -> r.request().method() + " " + r.request().target() + " with " + r.request().body().length + " body bytes")
                .isEmpty();
        assertThat(recording.problems(label)).as("what the backend could not parse").isEmpty();
        assertThat(recording.openWithPartialRequest()).as("backend connections left open holding the start of the request").isEmpty();
        assertThat(received).as("the client's answer").startsWith("HTTP/1.1 400").contains("application/problem+json");
    }

    /** Sends the bytes and reads until the gateway closes the connection, which it must do within five seconds. */
    private static String exchange(int port, String requests) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readToClose(socket.getInputStream());
        }
    }

    /** All the bytes up to the close, without the interim 100 Continue an Expect request may get first. */
    private static String readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        }
        catch (SocketTimeoutException e) {
            fail("the gateway left the connection open after: " + StrictRequestParser.printable(all.toString(StandardCharsets.ISO_8859_1)));
        }
        return all.toString(StandardCharsets.ISO_8859_1).replaceFirst("^HTTP/1\\.1 100 Continue\r\n\r\n", "");
    }
}
