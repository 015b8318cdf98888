package dev.strangler.gateway.edge;

import static dev.strangler.gateway.edge.EdgeGateways.await;
import static dev.strangler.gateway.edge.EdgeGateways.exchange;
import static dev.strangler.gateway.edge.RequestSmugglingTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.strangler.gateway.edge.EdgeGateways.Reply;
import dev.strangler.gateway.support.RecordingBackend;

/**
 * The headers the edge of the public port drops or refuses, on both proxy paths, as the recording backend sees them;
 * and CONNECT, which no backend ever gets.
 */
class RequestHeadersTest {

    static EdgeGateways gateways;
    /** Started with the others: closing a gateway stops Reactor Netty's shared event loops, under every gateway. */
    static EdgeGateways rejecting;

    @BeforeAll
    static void start() {
        gateways = new EdgeGateways();
        rejecting = new EdgeGateways("strangler.edge.underscore-headers=reject");
    }

    @AfterAll
    static void stop() {
        gateways.close();
        rejecting.close();
    }

    /** Sends a GET of a fresh path with {@code headerLines} and returns what the backend parsed of it. */
    static RecordingBackend.Received passed(String path, String... headerLines) throws Exception {
        String target = "/api/h-" + UUID.randomUUID();
        Reply reply = exchange(gateways.port(path), "GET " + target + " HTTP/1.1\r\n" + String.join("\r\n", headerLines)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        await(() -> gateways.backend.targets().contains(target));
        return gateways.backend.received().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void headerNamesWithAnUnderscoreAreDropped(String path) throws Exception {
        RecordingBackend.Received received = passed(path, "Host: a", "X_Strangler_Shadow: true", "X_Forwarded_For: 6.6.6.6",
                "Content_Length: 40", "X-Kept: yes");

        assertThat(received.headerLines()).noneMatch(line -> line.substring(0, line.indexOf(':')).contains("_"))
                .anyMatch(line -> line.equalsIgnoreCase("X-Kept: yes"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void rewriteUrlHeadersAreDropped(String path) throws Exception {
        RecordingBackend.Received received = passed(path, "Host: a", "X-Original-URL: /admin", "x-rewrite-url: /admin");

        assertThat(received.headerLines()).noneMatch(line -> line.toLowerCase().startsWith("x-original-url"))
                .noneMatch(line -> line.toLowerCase().startsWith("x-rewrite-url"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aValidHostBecomesXForwardedHost(String path) throws Exception {
        RecordingBackend.Received received = passed(path, "Host: shop.example:8443");

        assertThat(received.headerLines()).contains("X-Forwarded-Host: shop.example:8443");
    }

    static Stream<Arguments> badHosts() {
        List<String> hosts = List.of("Host: a\r\nHost: b", "Host: a\r\nhost: a", "Host: a b", "Host: a,b", "Host: a/b",
                "Host: a@b", "Host: ", "Host: a:", "Host: a:123456", "Host: a:8x", "Host: [::1", "Host: [zz]", "Host: a%zz");
        return Stream.of("direct", "scg").flatMap(path -> hosts.stream().map(host -> Arguments.of(path, host)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badHosts")
    void aRequestWithoutExactlyOneValidHostIsRefused(String path, String host) throws Exception {
        String target = "/api/host-" + UUID.randomUUID();
        Reply reply = exchange(gateways.port(path), "GET " + target + " HTTP/1.1\r\n" + host + "\r\n\r\n");

        assertRefused(reply, 400, false);
        Thread.sleep(100);
        assertThat(gateways.backend.targets()).doesNotContain(target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anHttp11RequestWithoutHostIsRefused(String path) throws Exception {
        assertRefused(exchange(gateways.port(path), "GET /api/no-host HTTP/1.1\r\n\r\n"), 400, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void hostsOfEveryValidShapePass(String path) throws Exception {
        for (String host : List.of("localhost", "127.0.0.1:80", "[::1]:8080", "shop-1.example.com", "a%41b")) {
            passed(path, "Host: " + host);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void connectIsAnswered405AndReachesNoBackend(String path) throws Exception {
        int before = gateways.backend.connections();
        Reply reply = exchange(gateways.port(path), "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\nSSH-2.0-tunnel\r\n");

        assertRefused(reply, 405, false);
        assertThat(reply.head()).contains("allow: get, head, post, put, patch, delete, options");
        Thread.sleep(100);
        assertThat(gateways.backend.connections()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aConnectionHeaderNamingHostOrTransferEncodingIsRefused(String path) throws Exception {
        assertRefused(exchange(gateways.port(path), "GET /api/c HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n"), 400, false);
        assertRefused(exchange(gateways.port(path), "POST /api/c HTTP/1.1\r\nHost: a\r\nConnection: Transfer-Encoding\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anUpgradeOptionWithoutAnUpgradeIsRefusedButAnH2cOfferPasses(String path) throws Exception {
        assertRefused(exchange(gateways.port(path), "GET /api/u HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n"), 400, false);
        // What Java's HTTP client sends by default.
        passed(path, "Host: a", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void headerNamesWithAnUnderscoreAreRefusedWhenSoConfigured(String path) throws Exception {
        Reply reply = exchange(rejecting.port(path), "GET /api/u HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 6.6.6.6\r\n\r\n");

        assertRefused(reply, 400, false);
        assertThat(reply.text()).contains("X_Forwarded_For");
    }
}
