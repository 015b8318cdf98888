package dev.strangler.gateway.shadow;

import static dev.strangler.gateway.shadow.MigrationFigures.count;
import static dev.strangler.gateway.shadow.MigrationFigures.mismatches;
import static dev.strangler.gateway.shadow.MigrationFigures.shadow;
import static dev.strangler.gateway.shadow.MigrationFigures.valuesAt;
import static dev.strangler.gateway.shadow.MigrationFigures.wheres;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.daprdouble.net.LoopbackPorts;
import dev.strangler.gateway.support.CannedBackend;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RoutesFile;

/**
 * Shadow traffic end to end: a real gateway between two real loopback backends, legacy and the new service
 * ("orders"), plus a port that refuses connections. Every route is used by one test only, so that each test
 * reads its own figures from /actuator/migration. On the direct path, the default, which copies reads; the subclass
 * runs them on Spring Cloud Gateway's path.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "strangler.shadow.timeout=2s", "strangler.shadow.max-request-body=64KB",
        "strangler.shadow.max-response-body=256KB" })
class ShadowTrafficTest {

    static final ScriptedBackend legacy = new ScriptedBackend("legacy");
    static final ScriptedBackend orders = new ScriptedBackend("orders");
    /** A new service that sends 103 Early Hints before its answer. */
    static final CannedBackend hinting = new CannedBackend(Map.of("/api/hints/1",
            "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"));
    static final Duration ASYNC = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) throws IOException {
        RoutesFile routes = new RoutesFile(Files.createTempDirectory("shadow-test"));
        routes.write("backends:\n"
                + "  legacy: { url: \"" + legacy.url() + "\" }\n"
                + "  orders: { url: \"" + orders.url() + "\" }\n"
                + "  down: { url: \"http://127.0.0.1:" + LoopbackPorts.free() + "\" }\n"
                + "  hinting: { url: \"" + hinting.url() + "\" }\n"
                + """
                defaultBackend: legacy
                routes:
                  - id: products
                    paths: [/api/products/**]
                    backend: orders
                    stage: shadow
                  - id: orders-read
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: shadow
                    rewrite: { prefix: /api/orders, to: /orders }
                    shadow:
                      percent: 100
                      compare: { ignore: ["/content/*/createdAt"], headers: [Content-Type] }
                  - id: invoices
                    paths: [/api/invoices/**]
                    backend: orders
                    stage: shadow
                    shadow: { compare: { ignore: ["/createdAt", "/lines/*/at"] } }
                  - id: receipts
                    paths: [/api/receipts/**]
                    backend: orders
                    stage: shadow
                  - id: carts
                    paths: [/api/carts/**]
                    backend: orders
                    stage: shadow
                  - id: payments
                    paths: [/api/payments/**]
                    backend: orders
                    stage: shadow
                    shadow: { allowWrites: true }
                  - id: uploads
                    paths: [/api/uploads/**]
                    backend: orders
                    stage: shadow
                    shadow: { allowWrites: true }
                  - id: slow
                    paths: [/slow/**]
                    backend: orders
                    stage: shadow
                  - id: down
                    paths: [/down/**]
                    backend: down
                    stage: shadow
                  - id: stock
                    paths: [/api/stock/**]
                    backend: orders
                    stage: shadow
                  - id: reports
                    paths: [/api/reports/**]
                    backend: orders
                    stage: shadow
                  - id: exports
                    paths: [/api/exports/**]
                    backend: orders
                    stage: shadow
                  - id: profile
                    paths: [/api/profile/**]
                    backend: orders
                    stage: shadow
                    shadow: { compare: { headers: [Content-Type, Set-Cookie] } }
                  - id: hints
                    paths: [/api/hints/**]
                    backend: hinting
                    stage: shadow
                """);
        registry.add("strangler.routes-file", () -> routes.path().toString());
    }

    /**
     * The backends serve on until the JVM exits, for the same tests on the other proxy path
     * ({@link ShadowTrafficOnSpringCloudGatewayTest}), which must find them as new.
     */
    @AfterAll
    static void forgetRequests() {
        legacy.forget();
        orders.forget();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void getIsCopiedWithTheShadowMarkerWhileTheClientGetsLegacysAnswer() {
        legacy.answer("/api/products", 200, "{\"id\":7,\"name\":\"Lamp\",\"price\":12.5}");
        orders.answer("/api/products", 200, "{\"name\":\"Lamp\",\"price\":12.50,\"id\":7}");

        HttpResponse<String> response = Http.get(url("/api/products/7?lang=en"), "X-Strangler-Shadow", "forged", "X-Trace", "t-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"id\":7,\"name\":\"Lamp\",\"price\":12.5}");
        assertThat(response.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
        await().atMost(ASYNC).until(() -> orders.received("/api/products").size() == 1);
        ScriptedBackend.Received copy = orders.received("/api/products").get(0);
        assertThat(copy.method()).isEqualTo("GET");
        assertThat(copy.uri()).isEqualTo("/api/products/7?lang=en");
        assertThat(copy.headers()).containsEntry("x-strangler-shadow", "true").containsEntry("x-trace", "t-1")
                .containsEntry("host", orders.url().substring("http://".length()))
                .containsEntry("x-forwarded-for", "127.0.0.1");
        assertThat(legacy.received("/api/products")).singleElement()
                .satisfies(r -> assertThat(r.headers()).doesNotContainKey("x-strangler-shadow"));
        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "products");
            assertThat(count(figures, "compared")).isEqualTo(1);
            assertThat(count(figures, "mismatched")).isZero();
            assertThat(figures.get("parityPercent")).isEqualTo(100.0);
        });
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body())
                .contains("strangler_shadow_compared_total{route=\"products\"} 1.0");
    }

    @Test
    void mismatchIsCountedAndShownWithTheDifferingJsonPointer() {
        legacy.answer("/api/orders", 200, """
                {"content":[{"id":1,"total":12.5,"createdAt":"2026-11-25T17:05:02.123Z"},
                            {"id":2,"total":7,"createdAt":"2026-11-25T17:05:03.000Z"}],"totalElements":2}""");
        orders.answer("/orders", 200, """
                {"content":[{"id":1,"total":12.50,"createdAt":"2026-11-25T18:00:00.000Z"},
                            {"id":2,"total":7.5,"createdAt":"2026-11-25T18:00:01.000Z"}],"totalElements":2}""");

        HttpResponse<String> response = Http.get(url("/api/orders?customerId=3"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"total\":7,");
        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "orders-read");
            assertThat(count(figures, "compared")).isEqualTo(1);
            assertThat(count(figures, "mismatched")).isEqualTo(1);
            assertThat(mismatches(figures)).singleElement().satisfies(sample -> {
                assertThat(sample).containsEntry("method", "GET").containsEntry("path", "/api/orders")
                        .containsEntry("primaryStatus", 200).containsEntry("shadowStatus", 200);
                assertThat(sample.get("differences"))
                        .isEqualTo(List.of(Map.of("where", "/content/1/total", "primary", "7", "shadow", "7.5")));
            });
        });
        assertThat(orders.received("/orders")).singleElement().satisfies(r -> assertThat(r.uri()).isEqualTo("/orders?customerId=3"));
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body())
                .contains("strangler_shadow_mismatched_total{route=\"orders-read\"} 1.0");
    }

    @Test
    void ignorePathsSuppressTheDifferencesTheyName() {
        String primary = "{\"id\":1,\"createdAt\":\"a\",\"lines\":[{\"sku\":\"x\",\"at\":\"a1\"},{\"sku\":\"y\",\"at\":\"a2\"}]}";
        String shadow = "{\"id\":1,\"createdAt\":\"b\",\"lines\":[{\"sku\":\"x\",\"at\":\"b1\"},{\"sku\":\"y\",\"at\":\"b2\"}]}";
        legacy.answer("/api/invoices", 200, primary).answer("/api/receipts", 200, primary);
        orders.answer("/api/invoices", 200, shadow).answer("/api/receipts", 200, shadow);

        assertThat(Http.get(url("/api/invoices/1")).statusCode()).isEqualTo(200);
        assertThat(Http.get(url("/api/receipts/1")).statusCode()).isEqualTo(200);

        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> withIgnore = shadow(managementPort, "invoices");
            assertThat(count(withIgnore, "compared")).isEqualTo(1);
            assertThat(count(withIgnore, "mismatched")).isZero();
            Map<String, Object> without = shadow(managementPort, "receipts");
            assertThat(count(without, "mismatched")).isEqualTo(1);
            assertThat(mismatches(without)).singleElement()
                    .satisfies(sample -> assertThat(wheres(sample)).containsExactly("/createdAt", "/lines/0/at", "/lines/1/at"));
        });
    }

    @Test
    void headIsCopiedAsHeadAndCompared() throws Exception {
        legacy.answer("/api/stock", 200, "{\"qty\":1}", "ETag", "\"1\"");
        orders.answer("/api/stock", 200, "{\"qty\":1}", "ETag", "\"1\"");
        HttpRequest head = HttpRequest.newBuilder(URI.create(url("/api/stock/9"))).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(head, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        await().atMost(ASYNC).until(() -> count(shadow(managementPort, "stock"), "compared") == 1);
        assertThat(orders.received("/api/stock")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("HEAD");
            assertThat(r.headers()).containsEntry("x-strangler-shadow", "true");
        });
        assertThat(count(shadow(managementPort, "stock"), "mismatched")).isZero();
    }

    @Test
    void legacyServerErrorIsComparedLikeAnyAnswer() {
        legacy.answer("/api/reports", 500, "{\"title\":\"Internal Server Error\",\"status\":500}");
        orders.answer("/api/reports", 200, "{\"rows\":[]}");

        HttpResponse<String> response = Http.get(url("/api/reports/sales"));

        assertThat(response.statusCode()).as("the client gets legacy's answer, error or not").isEqualTo(500);
        await().atMost(ASYNC).until(() -> count(shadow(managementPort, "reports"), "mismatched") == 1);
        Map<String, Object> sample = mismatches(shadow(managementPort, "reports")).get(0);
        assertThat(sample).containsEntry("primaryStatus", 500).containsEntry("shadowStatus", 200);
        assertThat(wheres(sample)).containsExactly("status", "/title", "/status", "/rows");
    }

    @Test
    void aShadowsEarlyHintsAreNotTakenForItsAnswer() {
        legacy.answer("/api/hints", 200, "{\"a\":1}");

        assertThat(Http.get(url("/api/hints/1")).statusCode()).isEqualTo(200);

        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "hints");
            assertThat(count(figures, "compared")).isEqualTo(1);
            assertThat(count(figures, "mismatched")).as("mismatch samples: %s", mismatches(figures)).isZero();
        });
    }

    @Test
    void writesAreNotCopiedByDefault() {
        HttpResponse<String> post = Http.post(url("/api/carts/1/items"), "{\"sku\":\"x\"}", "Content-Type", "application/json");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(legacy.received("/api/carts")).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("POST"));

        // A GET on the same route is copied; once its copy is compared, a copy of the POST would have been sent long before.
        assertThat(Http.get(url("/api/carts/1")).statusCode()).isEqualTo(200);
        await().atMost(ASYNC).until(() -> count(shadow(managementPort, "carts"), "compared") == 1);
        assertThat(orders.received("/api/carts")).extracting(ScriptedBackend.Received::method).containsExactly("GET");
        assertThat(count(shadow(managementPort, "carts"), "dropped")).isZero();
    }

    @Test
    void writesAreCopiedWithTheirBodyWhenAllowed() {
        String body = "{\"orderId\":12,\"amount\":5.00,\"currency\":\"EUR\"}";
        HttpResponse<String> post = Http.post(url("/api/payments"), body, "Content-Type", "application/json",
                "Idempotency-Key", "k-1");

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(Http.json(post)).containsEntry("backend", "legacy").containsEntry("bodyLength", body.length());
        await().atMost(ASYNC).until(() -> orders.received("/api/payments").size() == 1);
        ScriptedBackend.Received copy = orders.received("/api/payments").get(0);
        assertThat(copy.method()).isEqualTo("POST");
        assertThat(copy.body()).isEqualTo(body);
        assertThat(copy.headers()).containsEntry("x-strangler-shadow", "true").containsEntry("content-type", "application/json")
                .containsEntry("idempotency-key", "k-1").containsEntry("content-length", Integer.toString(body.length()));
        // The two echo answers differ only in the backend's name.
        await().atMost(ASYNC).untilAsserted(() -> assertThat(mismatches(shadow(managementPort, "payments"))).singleElement()
                .satisfies(sample -> assertThat(sample.get("differences"))
                        .isEqualTo(List.of(Map.of("where", "/backend", "primary", "\"legacy\"", "shadow", "\"orders\"")))));
    }

    @Test
    void bodiesOverTheLimitReachThePrimaryWholeAndAreNotCopied() throws Exception {
        String big = "{\"data\":\"" + "x".repeat(100 * 1024) + "\"}";
        HttpResponse<String> sized = Http.post(url("/api/uploads/sized"), big, "Content-Type", "application/json");
        HttpRequest chunkedRequest = HttpRequest.newBuilder(URI.create(url("/api/uploads/chunked")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big)))
                .build();
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(chunkedRequest, HttpResponse.BodyHandlers.ofString());

        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(Http.json(sized)).containsEntry("bodyLength", big.length());
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(Http.json(chunked)).containsEntry("bodyLength", big.length());
        assertThat(legacy.received("/api/uploads/chunked")).singleElement()
                .satisfies(r -> assertThat(r.headers()).containsEntry("transfer-encoding", "chunked"));
        await().atMost(ASYNC).until(() -> count(shadow(managementPort, "uploads"), "dropped") == 2);
        assertThat(orders.received("/api/uploads")).isEmpty();
        assertThat(count(shadow(managementPort, "uploads"), "compared")).isZero();
    }

    @Test
    void answersOverTheLimitReachTheClientWholeAndCountAsFailed() {
        String big = "{\"rows\":\"" + "r".repeat(300 * 1024) + "\"}";
        legacy.answer("/api/exports/big", 200, big);
        orders.answer("/api/exports/big", 200, big);
        legacy.answer("/api/exports/small", 200, "{\"rows\":\"r\"}");
        orders.answer("/api/exports/small", 200, big);

        HttpResponse<String> primaryTooLarge = Http.get(url("/api/exports/big"));
        HttpResponse<String> shadowTooLarge = Http.get(url("/api/exports/small"));

        assertThat(primaryTooLarge.statusCode()).isEqualTo(200);
        assertThat(primaryTooLarge.body()).isEqualTo(big);
        assertThat(shadowTooLarge.body()).isEqualTo("{\"rows\":\"r\"}");
        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "exports");
            assertThat(count(figures, "failed")).isEqualTo(2);
            assertThat(count(figures, "compared")).isZero();
        });
    }

    @Test
    void sleepingShadowNeitherSlowsNorFailsThePrimary() {
        legacy.answer("/slow", 200, "{\"from\":\"legacy\"}");
        orders.slow("/slow", Duration.ofSeconds(5));

        assertPrimaryUnaffected("/slow/report");

        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "slow");
            assertThat(count(figures, "failed")).isEqualTo(21);
            assertThat(count(figures, "compared")).isZero();
        });
        assertThat(orders.received("/slow")).hasSize(21);
    }

    @Test
    void refusedShadowNeitherSlowsNorFailsThePrimary() {
        legacy.answer("/down", 200, "{\"from\":\"legacy\"}");

        assertPrimaryUnaffected("/down/report");

        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "down");
            assertThat(count(figures, "failed")).isEqualTo(21);
            assertThat(count(figures, "compared")).isZero();
        });
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body())
                .contains("strangler_shadow_failed_total{route=\"down\"} 21.0");
    }

    /** A coarse bound, not a benchmark: the shadow's 5 s sleep or refusal must not show in any primary answer. */
    private void assertPrimaryUnaffected(String path) {
        // One untimed request first: the first copy on a cold JVM loads the shadow client's classes.
        assertThat(Http.get(url(path + "?warmup")).statusCode()).isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = Http.get(url(path + "?n=" + i));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"from\":\"legacy\"}");
            assertThat(took).as("primary request %d", i).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void credentialsReachTheShadowButNeverTheStoredSamples() {
        legacy.answer("/api/profile", 200, "{\"user\":\"ann\",\"headers\":{}}", "Set-Cookie", "sid=legacy-secret-3; HttpOnly");
        orders.answer("/api/profile", new ScriptedBackend.Answer(200, Map.of("Set-Cookie", "sid=shadow-secret-4; HttpOnly"),
                r -> ScriptedBackend.json(Map.of("user", "ann", "headers", r.headers())), Duration.ZERO, reactor.core.publisher.Mono.empty()));

        HttpResponse<String> response = Http.get(url("/api/profile/me"), "Cookie", "session=cookie-secret-1",
                "Authorization", "Bearer token-secret-2");

        assertThat(response.statusCode()).isEqualTo(200);
        await().atMost(ASYNC).until(() -> orders.received("/api/profile").size() == 1);
        assertThat(orders.received("/api/profile").get(0).headers()).containsEntry("cookie", "session=cookie-secret-1")
                .containsEntry("authorization", "Bearer token-secret-2");
        await().atMost(ASYNC).until(() -> count(shadow(managementPort, "profile"), "mismatched") == 1);
        Map<String, Object> sample = mismatches(shadow(managementPort, "profile")).get(0);
        assertThat(valuesAt(sample, "/headers/x-strangler-shadow")).hasValue(java.util.Arrays.asList(null, "\"true\""));
        assertThat(valuesAt(sample, "/headers/cookie")).hasValue(java.util.Arrays.asList(null, "(redacted)"));
        assertThat(valuesAt(sample, "/headers/authorization")).hasValue(java.util.Arrays.asList(null, "(redacted)"));
        assertThat(wheres(sample)).noneMatch(where -> where.toLowerCase(java.util.Locale.ROOT).contains("set-cookie"));
        assertThat(MigrationFigures.migration(managementPort).body())
                .doesNotContain("cookie-secret-1", "token-secret-2", "legacy-secret-3", "shadow-secret-4");
    }
}
