package dev.strangler.gateway.edge;

import static dev.strangler.gateway.edge.RequestSmugglingTest.assertRefused;
import static dev.strangler.gateway.support.RawExchange.await;
import static dev.strangler.gateway.support.RawExchange.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RawExchange.Reply;
import dev.strangler.gateway.support.RecordingBackend;

/**
 * The headers the edge of the public port drops or refuses, on both proxy paths, as the recording backend sees them;
 * and CONNECT, which no backend ever gets.
 */
class RequestHeadersTest {

    static final RecordingBackend backend = EdgeRoutes.BACKEND;
    static Gateways.BothPaths gateways;
    /** Away from the defaults: underscores refused, and Reactor Netty's header validation off. */
    static Gateways.BothPaths rejecting;

    @BeforeAll
    static void start() {
        gateways = EdgeRoutes.gateways();
        rejecting = EdgeRoutes.gateways("strangler.edge.underscore-headers=reject", "server.netty.validate-headers=false");
    }

    /** Sends a GET of a fresh path with {@code headerLines} and returns what the backend parsed of it. */
    static RecordingBackend.Received passed(String path, String... headerLines) throws Exception {
        String target = "/api/h-" + UUID.randomUUID();
        Reply reply = exchange(gateways.path(path).port(), "GET " + target + " HTTP/1.1\r\n" + String.join("\r\n", headerLines)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        await(() -> backend.targets().contains(target));
        return backend.received().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
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
    void refusalsAndDroppedHeadersAreCounted(String path) throws Exception {
        passed(path, "Host: a", "X_Forwarded_For: 6.6.6.6", "X-Original-URL: /admin");
        exchange(gateways.path(path).port(), "GET /api/c HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");

        assertThat(gateways.path(path).metrics()).containsPattern("strangler_edge_headers_dropped_total\\{kind=\"underscore\"} [1-9]")
                .containsPattern("strangler_edge_headers_dropped_total\\{kind=\"rewrite-url\"} [1-9]")
                .containsPattern("strangler_edge_refused_total\\{reason=\"bad-header\"} [1-9]")
                .contains("strangler_edge_refused_total{reason=\"header-timeout\"} 0.0");
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
        Reply reply = exchange(gateways.path(path).port(), "GET " + target + " HTTP/1.1\r\n" + host + "\r\n\r\n");

        assertRefused(reply, 400, false);
        Thread.sleep(100);
        assertThat(backend.targets()).doesNotContain(target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anHttp11RequestWithoutHostIsRefused(String path) throws Exception {
        assertRefused(exchange(gateways.path(path).port(), "GET /api/no-host HTTP/1.1\r\n\r\n"), 400, false);
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
        int before = backend.connections();
        Reply reply = exchange(gateways.path(path).port(), "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\nSSH-2.0-tunnel\r\n");

        assertRefused(reply, 405, false);
        assertThat(reply.head()).contains("allow: get, head, post, put, patch, delete, options");
        Thread.sleep(100);
        assertThat(backend.connections()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void aConnectionHeaderNamingHostOrTransferEncodingIsRefused(String path) throws Exception {
        assertRefused(exchange(gateways.path(path).port(), "GET /api/c HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n"), 400, false);
        assertRefused(exchange(gateways.path(path).port(), "POST /api/c HTTP/1.1\r\nHost: a\r\nConnection: Transfer-Encoding\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void anUpgradeOptionWithoutAnUpgradeIsRefusedButAnH2cOfferPasses(String path) throws Exception {
        assertRefused(exchange(gateways.path(path).port(), "GET /api/u HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n"), 400, false);
        // What Java's HTTP client sends by default.
        passed(path, "Host: a", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void headerNamesWithAnUnderscoreAreRefusedWhenSoConfigured(String path) throws Exception {
        Reply reply = exchange(rejecting.path(path).port(), "GET /api/u HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 6.6.6.6\r\n\r\n");

        assertRefused(reply, 400, false);
        assertThat(reply.text()).contains("X_Forwarded_For");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "direct", "scg" })
    void headerChecksHoldWhenServerHeaderValidationIsOff(String path) throws Exception {
        assertRefused(exchange(rejecting.path(path).port(), "POST /api/v HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nhello"),
                400, false);
        assertRefused(exchange(rejecting.path(path).port(), "GET /api/v HTTP/1.1\nHost: a\n\n"), 400, false);
    }
}
