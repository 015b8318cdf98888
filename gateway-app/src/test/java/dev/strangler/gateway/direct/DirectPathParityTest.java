package dev.strangler.gateway.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.ProxyRoutes;
import dev.strangler.gateway.support.RawResponse;

/**
 * The direct path must answer exactly as Spring Cloud Gateway does. Two gateways run on the same routes and
 * backends, one with the direct path and one with {@code strangler.direct-path=false}, and every request here is
 * sent to both, byte for byte the same. The client's view (status, headers, body) and the backend's view (method,
 * path, headers, body) must match, apart from what differs by nature: the Date, the gateway's own port and the
 * new ids in traceparent.
 */
class DirectPathParityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALLERS_TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-");

    static ConfigurableApplicationContext direct;
    static ConfigurableApplicationContext chain;

    /** The gateways of the behaviour suite, on its routes ({@link ProxyRoutes}), one per proxy path. */
    @BeforeAll
    static void start() {
        direct = ProxyRoutes.gateway(true).context();
        chain = ProxyRoutes.gateway(false).context();
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    static int managementPort(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    static Stream<Arguments> requests() {
        String json = "{\"item\":\"book\",\"quantity\":2}";
        return Stream.of(
                Arguments.of("migrated route, rewritten, with a query", "GET /api/orders/42?expand=items&q=a%20b HTTP/1.1\r\n\r\n"),
                Arguments.of("default route", "GET /products?page=2 HTTP/1.1\r\n\r\n"),
                Arguments.of("backend URL with a path", "GET /prefixed/items?id=7 HTTP/1.1\r\n\r\n"),
                Arguments.of("legacy route inside a migrated prefix", "GET /api/orders/report HTTP/1.1\r\n\r\n"),
                Arguments.of("dot segments and repeated slashes", "GET /api//orders/./9/../10 HTTP/1.1\r\n\r\n"),
                Arguments.of("POST with a body", "POST /api/orders HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + json.length() + "\r\n\r\n" + json),
                Arguments.of("chunked request body", "PUT /api/orders/5 HTTP/1.1\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"),
                Arguments.of("HEAD", "HEAD /api/orders/1 HTTP/1.1\r\n\r\n"),
                Arguments.of("DELETE without a body", "DELETE /api/orders/1 HTTP/1.1\r\n\r\n"),
                Arguments.of("hop-by-hop and Connection-listed headers", "GET /api/orders/1 HTTP/1.1\r\n"
                        + "Connection: keep-alive, X-Hop\r\nX-Hop: dropped\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                        + "Proxy-Authorization: Basic c2VjcmV0\r\nX-Kept: yes\r\n\r\n"),
                Arguments.of("spoofed tags and forwarded headers from an untrusted caller", "GET /api/orders/2 HTTP/1.1\r\n"
                        + "X-Strangler-Route: evil\r\nX-Strangler-Shadow: true\r\nX-Forwarded-For: 6.6.6.6\r\n"
                        + "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nForwarded: for=6.6.6.6\r\n\r\n"),
                Arguments.of("the caller's trace continues", "GET /api/orders/3 HTTP/1.1\r\n"
                        + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n"),
                Arguments.of("a backend 5xx passes through", "GET /api/orders/4?status=503 HTTP/1.1\r\n\r\n"),
                Arguments.of("a backend 204", "GET /api/orders/4?status=204 HTTP/1.1\r\n\r\n"),
                Arguments.of("refused connection: 503 problem+json", "POST /down/orders HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"),
                Arguments.of("route timeout: 504 problem+json", "GET /timeout/x?sleepMs=2000 HTTP/1.1\r\n\r\n"),
                Arguments.of("hidden path: 404 problem+json", "GET /actuator/health HTTP/1.1\r\n\r\n"),
                Arguments.of("ambiguous path: 400 problem+json", "GET /api/orders/%2e%2e/admin HTTP/1.1\r\n\r\n"),
                Arguments.of("malformed escape in the query: 400", "GET /api/orders/1?q=%zz HTTP/1.1\r\n\r\n"),
                Arguments.of("an empty chunked answer", "GET /canned/empty-chunked HTTP/1.1\r\n\r\n"),
                Arguments.of("a chunked answer with a trailer", "GET /canned/chunked HTTP/1.1\r\n\r\n"),
                Arguments.of("a 304 that declares a length", "GET /canned/not-modified HTTP/1.1\r\n\r\n"),
                Arguments.of("a 205", "GET /canned/reset-content HTTP/1.1\r\n\r\n"),
                Arguments.of("an HTTP/1.0 answer ended by the close", "GET /canned/http10 HTTP/1.1\r\n\r\n"),
                Arguments.of("a HEAD to a chunked answer", "HEAD /canned/empty-chunked HTTP/1.1\r\n\r\n"),
                Arguments.of("a 103 Early Hints before the answer", "GET /canned/early-hints HTTP/1.1\r\n\r\n"));
    }

    /** The cases the direct path leaves to Spring Cloud Gateway; it takes every other one. */
    static final List<String> LEFT_TO_SCG = List.of("hidden path: 404 problem+json", "ambiguous path: 400 problem+json",
            "malformed escape in the query: 400");
    /** Refused by Spring's Reactor Netty adapter, which cannot parse the URI, before WebFlux records anything. */
    static final String REFUSED_BEFORE_WEBFLUX = "malformed escape in the query: 400";

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void bothPathsAnswerTheSame(String what, String request) throws Exception {
        long directBefore = webFluxRequests(direct);
        long chainBefore = webFluxRequests(chain);
        Exchange viaDirect = Exchange.send(port(direct), request);
        Exchange viaChain = Exchange.send(port(chain), request);
        // WebFlux records each request it served when the request ends; the other gateway's count shows when that is.
        long expected = what.equals(REFUSED_BEFORE_WEBFLUX) ? 0 : 1;
        for (int i = 0; i < 100 && webFluxRequests(chain) - chainBefore < expected; i++) {
            Thread.sleep(20);
        }
        assertThat(webFluxRequests(chain) - chainBefore).as("the other gateway serves everything through WebFlux").isEqualTo(expected);
        assertThat(webFluxRequests(direct) - directBefore).as("requests the direct path left to WebFlux")
                .isEqualTo(LEFT_TO_SCG.contains(what) ? expected : 0);
        assertThat(viaDirect.statusLine).as("status line").isEqualTo(viaChain.statusLine);
        assertThat(viaDirect.headers).as("response headers").isEqualTo(viaChain.headers);
        assertThat(normalizedBody(viaDirect, port(direct))).as("body, with what the backend received")
                .isEqualTo(normalizedBody(viaChain, port(chain)));
    }

    @Test
    void informationalAnswersStayWithTheBackendAndTheClientGetsTheFinalOne() throws Exception {
        // Reactor Netty's client, under Spring Cloud Gateway, takes a 103 for the answer unless the gateway drops it.
        for (ConfigurableApplicationContext gateway : List.of(direct, chain)) {
            Exchange exchange = Exchange.send(port(gateway), "GET /canned/early-hints HTTP/1.1\r\n\r\n");
            assertThat(exchange.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(exchange.body).isEqualTo("hints");
        }
    }

    @Test
    void aBackendUrlsPathAndAddressAreWhereTheDirectPathSends() throws Exception {
        Exchange exchange = Exchange.send(port(direct), "GET /prefixed/items?id=7 HTTP/1.1\r\n\r\n");

        @SuppressWarnings("unchecked")
        Map<String, Object> echo = JSON.readValue(exchange.body, Map.class);
        assertThat(echo).containsEntry("backend", "orders").containsEntry("uri", "/base/prefixed/items?id=7");
        assertThat((Map<String, Object>) echo.get("headers")).as("the backend's own Host")
                .containsEntry("host", ProxyRoutes.ORDERS.url().substring("http://".length()));
    }

    @Test
    void plainRequestsNeverReachSpringWebFlux() throws InterruptedException {
        // WebFlux observes every request it serves as http.server.requests; the proxied ones have no URI template.
        String proxiedByWebFlux = "http_server_requests_seconds_count{error=\"none\",exception=\"none\",method=\"GET\","
                + "outcome=\"SUCCESS\",status=\"200\",uri=\"UNKNOWN\"}";
        String proxiedHere = "strangler_requests_seconds_count{backend=\"orders\",outcome=\"SUCCESS\",route=\"orders-api\",stage=\"migrated\"}";
        double webFluxBefore = count(metrics(direct), proxiedByWebFlux);
        double chainBefore = count(metrics(chain), proxiedByWebFlux);
        double proxiedBefore = count(metrics(direct), proxiedHere);
        for (int i = 0; i < 3; i++) {
            Http.get("http://127.0.0.1:" + port(direct) + "/api/orders/" + i);
            Http.get("http://127.0.0.1:" + port(chain) + "/api/orders/" + i);
        }
        // WebFlux counts a request when it has ended, a moment after the client has the answer.
        for (int i = 0; i < 100 && count(metrics(chain), proxiedByWebFlux) - chainBefore < 3; i++) {
            Thread.sleep(20);
        }
        assertThat(count(metrics(chain), proxiedByWebFlux) - chainBefore).isEqualTo(3);
        assertThat(count(metrics(direct), proxiedByWebFlux) - webFluxBefore).as("requests WebFlux proxied on the direct path").isZero();
        assertThat(count(metrics(direct), proxiedHere) - proxiedBefore).as("requests the direct path counted").isEqualTo(3);
    }

    /** The value of one series on a Prometheus page, 0 when it is not there yet. */
    static double count(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1))).orElse(0.0);
    }

    /** Requests WebFlux served on the public port (the management port's own are left out). */
    static long webFluxRequests(ConfigurableApplicationContext context) {
        long total = 0;
        for (String line : metrics(context).split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{") && !line.contains("uri=\"/actuator")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    static String metrics(ConfigurableApplicationContext context) {
        return Http.get("http://127.0.0.1:" + managementPort(context) + "/actuator/prometheus").body();
    }

    /**
     * The body with the gateway's own port and the ids in traceparent left out: the span id is new on every
     * request, and so is the trace id, unless the caller's trace continues.
     */
    static Object normalizedBody(Exchange exchange, int gatewayPort) throws IOException {
        String body = exchange.body.replace("127.0.0.1:" + gatewayPort, "127.0.0.1:GATEWAY");
        body = TRACEPARENT.matcher(body).replaceAll(m -> "00-" + (m.group(1).equals(CALLERS_TRACE) ? CALLERS_TRACE : "NEW-TRACE") + "-SPAN-");
        if (body.startsWith("{")) {
            return JSON.readValue(body, Map.class);
        }
        return body;
    }

    /** One request on its own connection, and the response as it came. */
    record Exchange(String statusLine, Map<String, List<String>> headers, String body) {

        static Exchange send(int port, String request) throws IOException {
            int lineEnd = request.indexOf("\r\n") + 2;
            String added = "Host: 127.0.0.1:" + port + "\r\n" + (request.contains("\r\nConnection:") ? "" : "Connection: close\r\n");
            String withHost = request.substring(0, lineEnd) + added + request.substring(lineEnd);
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(withHost.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                RawResponse response = RawResponse.read(socket.getInputStream(), request.startsWith("HEAD "));
                return new Exchange(response.statusLine(), response.headers(), response.body());
            }
        }
    }
}
