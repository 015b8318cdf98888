package dev.strangler.gateway.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strangler.gateway.GatewayApplication;
import dev.strangler.gateway.support.CannedBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RawResponse;

/**
 * The Spring Cloud Gateway and Spring Boot settings the direct path stands in for hold on both paths: two gateways
 * with the same settings, one with the direct path and one with {@code strangler.direct-path=false}; and a setting
 * the direct path cannot honour turns it off at start, with the reason in {@code /actuator/migration}.
 */
class DirectPathSettingsTest {

    static final GatewayFixture fixture = new GatewayFixture();
    static final ObjectMapper JSON = new ObjectMapper();
    static final CannedBackend canned = new CannedBackend(Map.of(
            "/canned/hop", "HTTP/1.1 200 OK\r\nX-Custom-Hop: r\r\nX-Application-Context: app\r\nContent-Length: 2\r\n\r\nok",
            "/canned/headers-within", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(700) + "\r\nContent-Length: 2\r\n\r\nok",
            "/canned/headers-over", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(1200) + "\r\nContent-Length: 2\r\n\r\nok"));
    /** A list without x-application-context, which the default has, and with a header of the test's own. */
    static final String HOP_BY_HOP = "connection,keep-alive,transfer-encoding,upgrade,x-custom-hop";
    static final int MAX_KEEP_ALIVE_REQUESTS = 3;

    /**
     * Spring Cloud Gateway's default list, as it was. Binding {@code remove-hop-by-hop.headers} fills the filter's
     * set in place (Spring Boot's CollectionBinder merges into the existing collection), and that set is the
     * filter's static default: left changed, every later gateway in this JVM would drop this class's list.
     */
    static final Set<String> DEFAULT_HOP_BY_HOP = Set.copyOf(RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST);

    static ConfigurableApplicationContext direct;
    static ConfigurableApplicationContext chain;
    /** With a setting the direct path cannot honour. Its own for the whole class: gateways in one JVM share loops. */
    static ConfigurableApplicationContext wiretapped;

    @BeforeAll
    static void start() {
        fixture.routes.write(fixture.header().replace("defaultBackend:", "  canned: { url: \"" + canned.url() + "\" }\ndefaultBackend:")
                + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: migrated
                  - id: canned
                    paths: [/canned/**]
                    backend: canned
                    stage: migrated
                """);
        direct = gateway("--strangler.direct-path=true");
        chain = gateway("--strangler.direct-path=false");
        wiretapped = gateway("--spring.cloud.gateway.server.webflux.httpclient.wiretap=true");
    }

    static ConfigurableApplicationContext gateway(String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--strangler.routes-file=" + fixture.routes.path(),
                "--spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.headers=" + HOP_BY_HOP,
                "--server.netty.max-keep-alive-requests=" + MAX_KEEP_ALIVE_REQUESTS,
                "--spring.cloud.gateway.server.webflux.httpclient.max-header-size=1KB"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        // The applications stay up until the JVM exits: closing any of them stops Reactor Netty's global event loops,
        // which the shared gateways of support/Gateways, used by classes run later in this JVM, serve on.
        canned.close();
        fixture.legacy.close();
        fixture.orders.close();
        RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST.clear();
        RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST.addAll(DEFAULT_HOP_BY_HOP);
    }

    @Test
    void theDirectPathIsOnWithSettingsItHonours() {
        assertThat(migration(direct).get("directPath")).isEqualTo(Map.of("enabled", true));
        assertThat(migration(chain).get("directPath")).isEqualTo(Map.of("enabled", false, "reason", "strangler.direct-path=false"));
    }

    @Test
    void aConfiguredHopByHopListReplacesTheDefaultOnBothPaths() throws IOException {
        for (ConfigurableApplicationContext gateway : List.of(direct, chain)) {
            try (Socket socket = socket(gateway)) {
                send(socket, "GET /api/orders/1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Listed\r\nX-Listed: v\r\n"
                        + "X-Custom-Hop: c\r\nX-Application-Context: ctx\r\nX-Kept: yes\r\n\r\n");
                @SuppressWarnings("unchecked")
                Map<String, String> headers = (Map<String, String>) JSON.readValue(RawResponse.read(socket.getInputStream(), false).body(),
                        Map.class).get("headers");
                assertThat(headers).as(name(gateway)).containsEntry("x-kept", "yes")
                        .as("in the default list, not in the configured one").containsEntry("x-application-context", "ctx")
                        .as("in the configured list, or named by Connection").doesNotContainKeys("x-custom-hop", "x-listed");

                send(socket, "GET /canned/hop HTTP/1.1\r\nHost: a\r\n\r\n");
                RawResponse answer = RawResponse.read(socket.getInputStream(), false);
                assertThat(answer.headers()).as(name(gateway)).containsEntry("x-application-context", List.of("app"))
                        .doesNotContainKey("x-custom-hop");
            }
        }
    }

    @Test
    void theLastAnswerTheKeepAliveLimitAllowsSaysCloseAndClosesTheConnectionWhicheverPathServesEach() throws IOException {
        String direct1 = "/api/orders/1";
        String webFlux = "/actuator/health";
        List<List<String>> sequences = List.of(
                List.of(direct1, direct1, direct1),
                List.of(webFlux, direct1, direct1),
                List.of(direct1, direct1, webFlux),
                List.of(webFlux, webFlux, webFlux));
        for (ConfigurableApplicationContext gateway : List.of(direct, chain)) {
            for (List<String> paths : sequences) {
                try (Socket socket = socket(gateway)) {
                    InputStream in = socket.getInputStream();
                    for (int i = 0; i < paths.size(); i++) {
                        send(socket, "GET " + paths.get(i) + " HTTP/1.1\r\nHost: a\r\n\r\n");
                        RawResponse answer = RawResponse.read(in, false);
                        String what = name(gateway) + " " + paths + " answer " + (i + 1);
                        if (i + 1 < MAX_KEEP_ALIVE_REQUESTS) {
                            assertThat(answer.headers().get("connection")).as(what).isNull();
                        }
                        else {
                            assertThat(answer.headers().get("connection")).as(what).containsExactly("close");
                        }
                    }
                    assertThat(in.read()).as(name(gateway) + " " + paths + ": closed after the last answer").isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void pipelinedRequestsPastTheKeepAliveLimitAreNotServed() throws IOException {
        for (ConfigurableApplicationContext gateway : List.of(direct, chain)) {
            int before = fixture.orders.requests();
            try (Socket socket = socket(gateway)) {
                send(socket, "GET /api/orders/1 HTTP/1.1\r\nHost: a\r\n\r\n".repeat(MAX_KEEP_ALIVE_REQUESTS + 2));
                InputStream in = socket.getInputStream();
                for (int i = 1; i <= MAX_KEEP_ALIVE_REQUESTS; i++) {
                    assertThat(RawResponse.read(in, false).status()).isEqualTo(200);
                }
                assertThat(in.read()).as(name(gateway)).isEqualTo(-1);
            }
            assertThat(fixture.orders.requests() - before).as(name(gateway)).isEqualTo(MAX_KEEP_ALIVE_REQUESTS);
        }
    }

    @Test
    void aBackendsAnswerIsReadWithinTheConfiguredHeaderSizeOnBothPaths() throws IOException {
        for (ConfigurableApplicationContext gateway : List.of(direct, chain)) {
            try (Socket socket = socket(gateway)) {
                send(socket, "GET /canned/headers-within HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(RawResponse.read(socket.getInputStream(), false).status()).as(name(gateway)).isEqualTo(200);
            }
            try (Socket socket = socket(gateway)) {
                send(socket, "GET /canned/headers-over HTTP/1.1\r\nHost: a\r\n\r\n");
                RawResponse answer = RawResponse.read(socket.getInputStream(), false);
                assertThat(answer.status()).as(name(gateway) + ": " + answer.body()).isEqualTo(502);
                assertThat(answer.headers().get("content-type")).containsExactly("application/problem+json");
            }
        }
    }

    @Test
    void aSettingTheDirectPathCannotHonourTurnsItOffAndTheEndpointSaysWhy() {
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) migration(wiretapped).get("directPath");
        assertThat(status).containsEntry("enabled", false);
        assertThat((String) status.get("reason")).startsWith("spring.cloud.gateway.server.webflux.httpclient.wiretap=true: ");
        assertThat(Http.get("http://127.0.0.1:" + port(wiretapped) + "/api/orders/1").statusCode()).isEqualTo(200);
    }

    static Map<String, Object> migration(ConfigurableApplicationContext gateway) {
        String management = gateway.getEnvironment().getProperty("local.management.port");
        return Http.json(Http.get("http://127.0.0.1:" + management + "/actuator/migration"));
    }

    static String name(ConfigurableApplicationContext gateway) {
        return gateway == direct ? "direct path" : gateway == chain ? "Spring Cloud Gateway's path" : "gateway";
    }

    static int port(ConfigurableApplicationContext gateway) {
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    static Socket socket(ConfigurableApplicationContext gateway) throws IOException {
        Socket socket = new Socket("127.0.0.1", port(gateway));
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
