package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.canary.CanaryBuckets;
import dev.strangler.gateway.support.EchoBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RoutesFile;

/**
 * The dashboard as a team lead sees it: real requests go through the gateway to loopback backends, then Debian's
 * Chromium loads {@code /actuator/dashboard} from the management port, runs its script against the live
 * {@code /actuator/migration}, and the tests read the DOM it rendered. Rendered once for the class: each test
 * checks one part of the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "management.endpoints.web.exposure.include=health,info,prometheus,metrics,migration,dashboard" })
class DashboardChromiumTest {

    /** Markup where the page shows text: the routes file's directory and a shadow backend's answers carry it. */
    static final String MARKUP = "<img src=x onerror=alert(1)>";

    static final GatewayFixture fixture = new GatewayFixture();
    /** A shadow backend whose answers differ from legacy's in field /backend, with markup as the value. */
    static final EchoBackend catalogNext = new EchoBackend(MARKUP);
    static final RoutesFile routes = new RoutesFile(temporaryDirectory("dashboard-" + MARKUP + "-"));
    static final int CANARY_KEYS_TO_NEW = 4;
    static final int CANARY_KEYS_TO_LEGACY = 6;
    /** The new backend (orders) answers the canary's and the shadow's requests this much later than legacy. */
    static final int NEW_BACKEND_SLEEP_MS = 40;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    RenderedDashboard page;
    Map<String, Object> migration;
    final Path screenshot = Path.of("target", "dashboard-chromium.png");

    @DynamicPropertySource
    static void routesFile(DynamicPropertyRegistry registry) {
        routes.write(fixture.header().replace("defaultBackend:", "  catalog-next: { url: \"" + catalogNext.url() + "\" }\ndefaultBackend:")
                + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    methods: [GET, POST]
                    backend: orders
                    stage: migrated
                  - id: customers-canary
                    paths: [/api/customers/**]
                    backend: orders
                    stage: canary
                    canary: { percent: 50, stickyBy: "header:X-User-Id" }
                    advice: { minSamples: 3 }
                  - id: products-shadow
                    paths: [/api/products/**]
                    methods: [GET]
                    backend: orders
                    stage: shadow
                    shadow: { percent: 100, compare: { ignore: ["/backend", "/headers"] } }
                    advice: { minSamples: 4, minParity: 99.5 }
                  - id: catalog-shadow
                    paths: [/api/catalog/**]
                    backend: catalog-next
                    stage: shadow
                    shadow: { percent: 100, compare: { ignore: ["/headers"] } }
                  - id: search-shadow
                    paths: [/api/search/**]
                    backend: orders
                    stage: shadow
                  - id: reports-legacy
                    paths: [/api/reports/**]
                    backend: orders
                    stage: legacy
                  - id: invoices-fallback
                    paths: [/api/invoices/**]
                    methods: [GET]
                    backend: down
                    stage: migrated
                    fallback: legacy
                """);
        registry.add("strangler.routes-file", () -> routes.path().toString());
    }

    @BeforeAll
    void sendTrafficThenRenderTheDashboardInChromium() throws IOException {
        HeadlessChromium.require();
        for (int i = 1; i <= 6; i++) {
            assertServedBy(Http.get(url("/api/orders/" + i)), "orders");
        }
        for (String key : canaryKeys(true, CANARY_KEYS_TO_NEW)) {
            assertServedBy(Http.get(url("/api/customers/7?sleepMs=" + NEW_BACKEND_SLEEP_MS + "&on=orders"), "X-User-Id", key), "orders");
        }
        for (String key : canaryKeys(false, CANARY_KEYS_TO_LEGACY)) {
            assertServedBy(Http.get(url("/api/customers/7?sleepMs=" + NEW_BACKEND_SLEEP_MS + "&on=orders"), "X-User-Id", key), "legacy");
        }
        for (int i = 1; i <= 5; i++) {
            assertServedBy(Http.get(url("/api/products/" + i + "?sleepMs=" + NEW_BACKEND_SLEEP_MS + "&on=orders")), "legacy");
        }
        for (int i = 1; i <= 3; i++) {
            assertServedBy(Http.get(url("/api/reports/sales?year=202" + i)), "legacy");
        }
        for (int i = 1; i <= 2; i++) {
            assertServedBy(Http.get(url("/api/invoices/" + i)), "legacy");
        }
        for (int i = 1; i <= 2; i++) {
            assertServedBy(Http.get(url("/api/catalog/" + i)), "legacy");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> recentRequests("orders-api") == 6
                && recentRequests("customers-canary") == CANARY_KEYS_TO_NEW + CANARY_KEYS_TO_LEGACY
                && recentRequests("products-shadow") == 5 && recentRequests("catalog-shadow") == 2
                && recentRequests("reports-legacy") == 3 && recentRequests("invoices-fallback") == 2);
        // Copies are compared after the client has its answer: wait until every copy is counted, so the page and the
        // endpoint read afterwards show the same figures.
        await().atMost(Duration.ofSeconds(10)).until(() -> shadowCompared("products-shadow") == 5 && shadowCompared("catalog-shadow") == 2);

        page = new RenderedDashboard(HeadlessChromium.dumpDom(dashboardUrl()));
        migration = Http.json(Http.get(management("/actuator/migration")));
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        HeadlessChromium.screenshot(dashboardUrl(), screenshot, 1280, 900);
    }

    @AfterAll
    void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
        catalogNext.close();
    }

    @Test
    void everyRouteRendersInTableOrderWithItsStage() {
        assertThat(page.routeIds()).containsExactly("orders-api", "customers-canary", "products-shadow", "catalog-shadow",
                "search-shadow", "reports-legacy", "invoices-fallback", "default");
        assertThat(page.cell("orders-api", "route")).isEqualTo("orders-api /api/orders /api/orders/** GET HEAD POST · routes.yaml:8:5");
        assertThat(page.cell("orders-api", "stage")).isEqualTo("migrated all to orders");
        assertThat(page.cell("customers-canary", "stage")).isEqualTo("canary 50% of users to orders, the rest to legacy");
        assertThat(page.cell("products-shadow", "stage")).isEqualTo("shadow served by legacy; 100% copied to orders");
        assertThat(page.cell("reports-legacy", "stage")).isEqualTo("legacy all to legacy; next: orders");
        assertThat(page.cell("invoices-fallback", "stage")).isEqualTo("migrated all to down falls back to legacy");
        assertThat(page.cell("default", "route")).isEqualTo("default (every path no route matches) all methods");
        assertThat(page.textOf("summary")).startsWith("7 routes · legacy 1 · shadow 3 · canary 1 · migrated 2");
    }

    @Test
    void trafficShowsTheLastMinutesRequestsAndEachBackendsShare() {
        assertThat(page.cell("orders-api", "traffic")).isEqualTo("6 requests orders 100%");
        assertThat(page.cell("customers-canary", "traffic")).isEqualTo("10 requests orders 40% legacy 60%");
        assertThat(page.cell("products-shadow", "traffic")).isEqualTo("5 requests legacy 100%");
        assertThat(page.cell("reports-legacy", "traffic")).isEqualTo("3 requests legacy 100%");
        assertThat(page.cell("catalog-shadow", "traffic")).isEqualTo("2 requests legacy 100%");
        assertThat(page.cell("search-shadow", "traffic")).isEqualTo("0 no requests in the last minute");
        assertThat(page.cell("invoices-fallback", "traffic")).startsWith("2 requests");
        assertThat(page.routeHtml("customers-canary")).contains("aria-label=\"orders 40%, legacy 60%\"");
    }

    @Test
    void errorRateAndFallbacksRenderPerRoute() {
        assertThat(page.cell("orders-api", "errors")).isEqualTo("0%");
        assertThat(page.cell("orders-api", "fallbacks")).isEqualTo("0");
        assertThat(page.cell("search-shadow", "errors")).isEqualTo("—");
        Map<String, Object> invoices = live("invoices-fallback");
        assertThat(invoices).containsEntry("fallbacks", 2);
        assertThat(page.cell("invoices-fallback", "errors"))
                .isEqualTo(Figures.rate(((Number) invoices.get("errorRatePercent")).doubleValue()));
        assertThat(page.cell("invoices-fallback", "fallbacks")).isEqualTo("2");
        assertThat(page.cell("invoices-fallback", "advice")).startsWith("attention migrated, but 2 fallbacks");
    }

    @Test
    void shadowParityShowsADashBeforeAnyComparisonAndMatchedOfComparedAfter() {
        assertThat(page.cell("orders-api", "parity")).isEqualTo("— not shadowed");
        assertThat(page.cell("search-shadow", "parity")).isEqualTo("— no comparisons yet");
        assertThat(page.cell("products-shadow", "parity")).isEqualTo("100.00% 5 of 5 matched");
        assertThat(page.cell("catalog-shadow", "parity")).isEqualTo("0.00% 0 of 2 matched");
    }

    @Test
    void latencyOfTheLegacyAndTheNewBackendRendersSideBySideAsTheEndpointReportsIt() {
        Map<String, Object> latency = latency("customers-canary");
        Map<String, Object> legacy = backendLatency(latency, "legacy");
        Map<String, Object> orders = backendLatency(latency, "orders");
        assertThat(latency).containsEntry("windowMinutes", 5);
        assertThat(legacy).containsEntry("role", "legacy").containsEntry("requests", CANARY_KEYS_TO_LEGACY);
        assertThat(orders).containsEntry("role", "new").containsEntry("requests", CANARY_KEYS_TO_NEW);
        double ordersP50 = ((Number) orders.get("p50Ms")).doubleValue();
        double ordersP99 = ((Number) orders.get("p99Ms")).doubleValue();
        assertThat(ordersP50).as("every orders answer took at least %d ms; its bucket starts at 33.5 ms", NEW_BACKEND_SLEEP_MS)
                .isGreaterThan(33.5);
        assertThat(ordersP99).isGreaterThanOrEqualTo(ordersP50);
        assertThat(page.evidence("customers-canary")).startsWith("Latency, last 5 min Backend p50 p99 Requests "
                + "legacy (legacy) " + Figures.millis(legacy.get("p50Ms")) + " " + Figures.millis(legacy.get("p99Ms")) + " 6 "
                + "orders (new) " + Figures.millis(ordersP50) + " " + Figures.millis(ordersP99) + " 4 ");
        // A fallback's time includes the failed try of the new backend, so it is no latency of either backend.
        assertThat(backendLatency(latency("invoices-fallback"), "legacy")).containsEntry("requests", 0).containsEntry("p50Ms", null);
    }

    @Test
    void shadowLatencyDifferenceIsShownForComparedCopies() {
        @SuppressWarnings("unchecked")
        Map<String, Object> difference = (Map<String, Object>) shadow("products-shadow").get("latencyDifference");
        assertThat(difference).containsEntry("compared", 5).containsEntry("windowMinutes", 5);
        assertThat(page.evidence("products-shadow")).contains("Shadow against primary: " + Figures.signedMillis(difference.get("p50Ms"))
                + " at p50, " + Figures.signedMillis(difference.get("p99Ms")) + " at p99, over 5 compared copies");
        assertThat(page.evidence("orders-api")).doesNotContain("Shadow against primary");
    }

    @Test
    void chartOfTheLastThirtyMinutesShowsShareErrorsAndParityPerMinute() {
        @SuppressWarnings("unchecked")
        Map<String, Object> history = (Map<String, Object>) live("customers-canary").get("history");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) history.get("points");
        assertThat(history).containsEntry("minutes", 30).containsEntry("newBackend", "orders");
        assertThat(points).hasSize(30);
        long requests = points.stream().mapToLong(p -> ((Number) p.get("requests")).longValue()).sum();
        assertThat(requests).isEqualTo(CANARY_KEYS_TO_NEW + CANARY_KEYS_TO_LEGACY);
        assertThat(points.get(0)).containsEntry("requests", 0).containsEntry("newSharePercent", null);
        assertThat(Instant.parse((String) points.get(29).get("minute"))).isBefore(Instant.now()).isAfter(Instant.now().minusSeconds(180));
        String chart = page.routeHtml("customers-canary");
        assertThat(chart).contains("<svg class=\"chart\"").contains("class=\"dot line-share\"")
                .contains("class=\"dot line-errors\"");
        assertThat(page.evidence("customers-canary")).contains("Last 30 min, per minute share to orders errors parity 0–100%");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shadowPoints = (List<Map<String, Object>>) ((Map<String, Object>) live("catalog-shadow").get("history"))
                .get("points");
        assertThat(shadowPoints.stream().filter(p -> p.get("parityPercent") != null)).allSatisfy(p -> assertThat(p).containsEntry("parityPercent", 0.0));
        assertThat(page.routeHtml("catalog-shadow")).contains("class=\"dot line-parity\"");
        assertThat(page.routeHtml("search-shadow")).doesNotContain("evidence-row");
    }

    @Test
    void adviceShowsVerdictAndMessageForEveryRoute() {
        for (Map<String, Object> route : routes()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> advice = (Map<String, Object>) route.get("advice");
            String id = (String) route.get("id");
            assertThat(page.cell(id, "advice")).as(id)
                    .isEqualTo(advice == null ? "—" : advice.get("verdict") + " " + advice.get("message"));
        }
        assertThat(page.cell("customers-canary", "advice"))
                .isEqualTo("ready orders error rate 0.00% over 4 requests (legacy 0.00%): ready to raise the percentage");
        assertThat(page.cell("products-shadow", "advice")).isEqualTo("ready shadow parity 100.00% over 5 requests: ready for canary");
        assertThat(page.cell("reports-legacy", "advice")).startsWith("wait serving from legacy");
    }

    @Test
    void mismatchSamplesListWhereThePrimaryAndTheShadowDiffered() {
        assertThat(page.routeHtml("catalog-shadow")).contains("<details");
        String samples = RenderedDashboard.text(page.routeHtml("catalog-shadow").replaceFirst("(?s)^.*?<details", "<details"));
        assertThat(samples).startsWith("2 recent mismatches, newest first");
        for (int i = 1; i <= 2; i++) {
            assertThat(samples).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC GET /api/catalog/" + i
                    + " status 200 \\(primary\\) / 200 \\(shadow\\) Where Primary Shadow /backend \"?legacy\"? \"?"
                    + java.util.regex.Pattern.quote(MARKUP) + "\"?(?: |$)");
        }
        assertThat(page.routeHtml("products-shadow")).doesNotContain("<details");
    }

    @Test
    void linkToARouteOpensItsMismatchSamples() {
        assertThat(page.routeHtml("catalog-shadow")).doesNotContainPattern("<details[^>]*\\sopen");
        RenderedDashboard linked = new RenderedDashboard(HeadlessChromium.dumpDom(dashboardUrl() + "#catalog-shadow"));
        assertThat(linked.routeHtml("catalog-shadow")).containsPattern("<details[^>]*\\sopen");
    }

    @Test
    void textFromTheGatewayIsShownAsTextNeverAsMarkup() {
        assertThat(page.dom()).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(page.textOf("source")).isEqualTo(routes.path().toString());
        String location = (String) route(migration, "orders-api").get("location");
        assertThat(location).isEqualTo(routes.path() + ":8:5");
        assertThat(page.routeHtml("orders-api")).contains("title=\"" + location.replace("<", "&lt;").replace(">", "&gt;") + "\"");
    }

    @Test
    void headerShowsTheRoutesFileItsHashAndWhenItWasLoaded() {
        assertThat(page.textOf("hash")).isEqualTo(((String) migration.get("contentHash")).substring(0, 12));
        assertThat(page.textOf("loaded-at")).startsWith(Figures.utc(Instant.parse((String) migration.get("loadedAt"))));
        assertThat(page.textOf("default-backend")).isEqualTo("legacy");
        assertThat(page.textOf("backends")).contains("legacy " + fixture.legacy.url()).contains("orders " + fixture.orders.url())
                .contains("down http://127.0.0.1:" + fixture.closedPort);
        assertThat(page.textOf("status-text")).startsWith("Live · updated ").endsWith("refreshes every 2 s");
        assertThat(page.hidden("reload-error")).isTrue();
        assertThat(page.hidden("connection-error")).isTrue();
    }

    @Test
    void pageIsServedOnTheManagementPortOnlyAndLoadsNothingFromElsewhere() {
        HttpResponse<String> response = Http.get(dashboardUrl(), "Accept", "text/html");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).contains("default-src 'none'; connect-src 'self'").contains("script-src 'sha256-")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");
        HttpResponse<String> publicPort = Http.get(url("/actuator/dashboard"));
        assertThat(publicPort.statusCode()).isEqualTo(404);
        assertThat(publicPort.body()).doesNotContain("Migration dashboard");
    }

    @Test
    void screenshotOfTheRenderedPageIsWritten() throws IOException {
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(20_000);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private String management(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    private String dashboardUrl() {
        return management("/actuator/dashboard");
    }

    private static void assertServedBy(HttpResponse<String> response, String backend) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response)).containsEntry("backend", backend);
    }

    /** Sticky keys that the canary's 50% puts on the new backend (or on legacy). */
    private static List<String> canaryKeys(boolean toNew, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = "user-" + i;
            if (CanaryBuckets.toNewBackend("customers-canary", key, 5_000) == toNew) {
                keys.add(key);
            }
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> routes() {
        return (List<Map<String, Object>>) migration.get("routes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> route(Map<String, Object> migration, String id) {
        return ((List<Map<String, Object>>) migration.get("routes")).stream().filter(r -> id.equals(r.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + id + " in /actuator/migration"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> live(String id) {
        return (Map<String, Object>) route(migration, id).get("live");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> latency(String id) {
        return (Map<String, Object>) live(id).get("latency");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> backendLatency(Map<String, Object> latency, String backend) {
        return (Map<String, Object>) ((Map<String, Object>) latency.get("byBackend")).get(backend);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> shadow(String id) {
        return (Map<String, Object>) live(id).get("shadow");
    }

    @SuppressWarnings("unchecked")
    private long shadowCompared(String id) {
        Map<String, Object> live = (Map<String, Object>) route(Http.json(Http.get(management("/actuator/migration"))), id).get("live");
        return ((Number) ((Map<String, Object>) live.get("shadow")).get("compared")).longValue();
    }

    @SuppressWarnings("unchecked")
    private long recentRequests(String id) {
        Map<String, Object> live = (Map<String, Object>) route(Http.json(Http.get(management("/actuator/migration"))), id).get("live");
        return ((Number) live.get("requestsLastMinute")).longValue();
    }

    private static Path temporaryDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
