package dev.strangler.gateway.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strangler.gateway.canary.CanaryBuckets;
import dev.strangler.gateway.support.EchoBackend;
import dev.strangler.gateway.support.FlakyBackend;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.ProxyRoutes;
import dev.strangler.gateway.support.RawResponse;

/**
 * What a migration team relies on the gateway for, asserted as they would check it, on one proxy path per subclass.
 * The subclasses differ by one property, {@code strangler.direct-path}, so both paths are held to the same
 * behaviour; {@link #servedByWebFlux} says which requests each path leaves to Spring WebFlux. A second pair differs
 * from the first by {@code strangler.response-tags=false}: the same behaviour, and the same figures, without the tags.
 * The gateways are shared ({@link ProxyRoutes}): a test counts what a backend or a metric got from what it had.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyBehaviourSuite {

    /** Callers from this address are trusted proxies, as the Istio ingress gateway is; 127.0.0.1 is not. */
    static final String TRUSTED_PROXY = ProxyRoutes.TRUSTED_PROXY;
    static final ObjectMapper JSON = new ObjectMapper();

    final EchoBackend legacy = ProxyRoutes.LEGACY;
    final EchoBackend orders = ProxyRoutes.ORDERS;
    final FlakyBackend breaking = ProxyRoutes.BREAKING;
    Gateways.Gateway gateway;

    /** The value of {@code strangler.direct-path} the subclass runs with. */
    abstract boolean directPath();

    /** The value of {@code strangler.response-tags} the subclass runs with. */
    boolean responseTags() {
        return true;
    }

    /** Whether this path leaves a request of this route to Spring WebFlux. */
    abstract boolean servedByWebFlux(String routeId);

    @BeforeAll
    void start() {
        gateway = responseTags() ? ProxyRoutes.gateway(directPath()) : ProxyRoutes.gateway(directPath(), "strangler.response-tags=false");
    }

    String url(String path) {
        return gateway.url(path);
    }

    int port() {
        return gateway.port();
    }

    String metrics() {
        return gateway.metrics();
    }

    // --- routing

    @Test
    void aMigratedRouteGoesToItsNewServiceWithTheRewriteAndIsTagged() {
        HttpResponse<String> r = servedBy("orders-api", () -> Http.get(url("/api/orders/42?expand=items")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).containsEntry("backend", "orders").containsEntry("uri", "/orders/42?expand=items");
        assertTag(r, "X-Strangler-Route", "orders-api");
        assertTag(r, "X-Strangler-Backend", "orders");
    }

    @Test
    void aMoreSpecificLegacyRouteInsideAMigratedPrefixStaysOnTheMonolithWithItsOwnPath() {
        HttpResponse<String> r = servedBy("orders-report", () -> Http.get(url("/api/orders/report")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/api/orders/report");
        assertTag(r, "X-Strangler-Route", "orders-report");
    }

    @Test
    void anUnmatchedPathGoesToTheDefaultBackend() {
        HttpResponse<String> r = servedBy("default", () -> Http.get(url("/products?page=2")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/products?page=2");
        assertTag(r, "X-Strangler-Route", "default");
    }

    // --- stages

    @Test
    void aCanaryKeepsAReturningCookieOnItsBucketsSide() {
        for (String user : new String[] {"user-1", "user-2", "user-3", "user-4"}) {
            boolean toNew = CanaryBuckets.bucket("canary-cookie", user) < 5_000;
            HttpResponse<String> r = servedBy("canary-cookie", () -> Http.get(url("/canary-cookie/x"), "Cookie", "strangler_cohort=" + user));
            assertThat(Http.json(r)).as("side of %s", user).containsEntry("backend", toNew ? "orders" : "legacy");
            assertThat(r.headers().firstValue("Set-Cookie")).as("a returning user's cookie is not set again").isEmpty();
        }
    }

    @Test
    void aCanaryDrawsAKeyForAFirstVisitSetsItAsACookieAndKeepsTheUserOnThatSide() {
        HttpResponse<String> first = Http.get(url("/canary-cookie/x"));
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("strangler_cohort=").contains("Path=/", "SameSite=Lax", "Max-Age=2592000")
                .containsIgnoringCase("HttpOnly");
        String key = setCookie.substring("strangler_cohort=".length(), setCookie.indexOf(';'));
        String side = (String) Http.json(first).get("backend");
        assertThat(side).isEqualTo(CanaryBuckets.bucket("canary-cookie", key) < 5_000 ? "orders" : "legacy");
        for (int i = 0; i < 3; i++) {
            assertThat(Http.json(Http.get(url("/canary-cookie/x"), "Cookie", "strangler_cohort=" + key))).containsEntry("backend", side);
        }
    }

    @Test
    void aHeaderStickyCanarySplitsByTheHeadersBucket() {
        for (String user : new String[] {"7", "8", "9", "10"}) {
            boolean toNew = CanaryBuckets.bucket("canary-header", user) < 5_000;
            HttpResponse<String> r = servedBy("canary-header", () -> Http.get(url("/canary-header/x"), "X-User-Id", user));
            assertThat(Http.json(r)).as("side of user %s", user).containsEntry("backend", toNew ? "orders" : "legacy");
        }
    }

    @Test
    void aShadowRouteServesTheClientFromTheMonolithAndCopiesTheReadToTheNewService() throws InterruptedException {
        int before = orders.requests();
        HttpResponse<String> r = servedBy("shadowed", () -> Http.get(url("/shadowed/items/1")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy");
        for (int i = 0; i < 250 && orders.requests() == before; i++) {
            Thread.sleep(20);
        }
        assertThat(orders.requests()).as("the copy reached the new service").isEqualTo(before + 1);
    }

    @Test
    void aShadowRouteAtZeroPercentServesEveryReadFromTheMonolithAndCopiesNone() throws InterruptedException {
        int before = orders.requests();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = servedBy("shadow-none", () -> Http.get(url("/shadow-none/items/1"), "X-Strangler-Shadow", "true"));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        Thread.sleep(300);
        assertThat(orders.requests()).as("no copy, whatever the client's headers say").isEqualTo(before);
        assertThat(metrics()).doesNotContain("strangler_shadow_compared_total{route=\"shadow-none\"}");
    }

    @Test
    void aShadowRouteAtOneHundredPercentComparesEveryReadExactlyOnce() throws InterruptedException {
        int before = orders.requests();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = servedBy("shadow-all", () -> Http.get(url("/shadow-all/items/2")));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        for (int i = 0; i < 250 && shadowCompared("shadow-all") < 5; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(shadowCompared("shadow-all")).as("comparisons").isEqualTo(5);
        assertThat(orders.requests() - before).as("copies").isEqualTo(5);
    }

    /** How many copies of a shadow route's requests were compared with the client's answer. */
    long shadowCompared(String routeId) {
        String prefix = "strangler_shadow_compared_total{route=\"" + routeId + "\"} ";
        for (String line : metrics().split("\n")) {
            if (line.startsWith(prefix)) {
                return (long) Double.parseDouble(line.substring(prefix.length()));
            }
        }
        return 0;
    }

    // --- headers and the forwarded policy

    @Test
    void internalAndHopByHopHeadersFromAClientNeverReachABackend() throws IOException {
        Map<String, Object> echo = rawEcho(null, "GET /api/orders/1 HTTP/1.1\r\nConnection: keep-alive, X-Hop\r\nX-Hop: dropped\r\n"
                + "Keep-Alive: timeout=5\r\nX-Strangler-Shadow: true\r\nX-Strangler-Route: evil\r\nX-Kept: yes\r\n");
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) echo.get("headers");
        assertThat(headers).containsEntry("x-kept", "yes").doesNotContainKeys("x-hop", "keep-alive", "x-strangler-shadow",
                "x-strangler-route");
    }

    @Test
    void anUntrustedCallersForwardedHeadersAreReplacedByWhatTheGatewaySaw() throws IOException {
        Map<String, String> headers = forwardedHeadersSeenFrom(null);
        assertThat(headers).containsEntry("x-forwarded-for", "127.0.0.1").containsEntry("x-forwarded-proto", "http")
                .containsEntry("x-forwarded-host", "127.0.0.1:" + port()).doesNotContainKey("forwarded");
    }

    @Test
    void aTrustedProxysForwardedHeadersAreKeptAndAppendedTo() throws IOException {
        Map<String, String> headers = forwardedHeadersSeenFrom(TRUSTED_PROXY);
        assertThat(headers).containsEntry("x-forwarded-for", "203.0.113.7, " + TRUSTED_PROXY)
                .containsEntry("x-forwarded-proto", "https").containsEntry("x-forwarded-host", "shop.example.com");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> forwardedHeadersSeenFrom(String localAddress) throws IOException {
        Map<String, Object> echo = rawEcho(localAddress, "GET /api/orders/7 HTTP/1.1\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example.com\r\nForwarded: for=203.0.113.7\r\n");
        return (Map<String, String>) echo.get("headers");
    }

    // --- errors, fallbacks and the breaker

    @Test
    void aReadFallsBackToTheMonolithWhenTheNewServiceRefusesTheConnection() {
        HttpResponse<String> r = Http.get(url("/guarded/orders/1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/guarded/orders/1");
        assertTag(r, "X-Strangler-Backend", "legacy");
        assertTag(r, "X-Strangler-Fallback", "refused");
        assertThat(metrics()).containsPattern(
                "strangler_requests_seconds_count\\{backend=\"legacy\",outcome=\"FALLBACK\",route=\"guarded\",stage=\"migrated\"} [1-9]");
    }

    @Test
    void aReadFallsBackOnATimeout() {
        HttpResponse<String> r = Http.get(url("/slow/x?sleepMs=3000&on=orders"));
        assertThat(Http.json(r)).containsEntry("backend", "legacy");
        assertTag(r, "X-Strangler-Fallback", "timeout");
    }

    @Test
    void aWriteNeverFallsBackRefusedIs503WithRetryAfterAndATimeoutIs504() {
        int legacyBefore = legacy.requests();
        HttpResponse<String> refused = Http.post(url("/guarded/orders"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertProblem(refused);
        HttpResponse<String> slow = Http.post(url("/slow/orders?sleepMs=3000"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertProblem(slow);
        assertThat(legacy.requests()).as("a write never reaches the other backend").isEqualTo(legacyBefore);
    }

    @Test
    void anOpenCircuitAnswers503WithoutCallingTheBackend() {
        breaking.failNext(Integer.MAX_VALUE);
        for (int i = 0; i < 4; i++) {
            assertThat(Http.get(url("/breaker/x")).statusCode()).as("the backend's own 500").isEqualTo(500);
        }
        int calls = breaking.calls();
        HttpResponse<String> open = Http.get(url("/breaker/x"));
        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("Retry-After")).isPresent();
        assertProblem(open);
        assertThat(breaking.calls()).as("an open circuit calls nothing").isEqualTo(calls);
    }

    @Test
    void aReadIsRetriedAfterA5xxAndGetsTheAnswerOfTheAttemptThatSucceeded() {
        breaking.failNext(2);
        int calls = breaking.calls();
        HttpResponse<String> r = servedBy("retried", () -> Http.get(url("/retried/x")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).containsEntry("backend", "flaky");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).isEmpty();
        assertThat(breaking.calls() - calls).as("two failed attempts and the one that succeeded").isEqualTo(3);
    }

    @Test
    void aReadWhoseRetriesAreExhaustedFallsBackTaggedAndCounted() {
        breaking.failNext(Integer.MAX_VALUE);
        int calls = breaking.calls();
        HttpResponse<String> r = servedBy("retried-fallback", () -> Http.get(url("/retried-fallback/orders/3")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).as("the fallback's answer, nothing of the 500s").containsEntry("backend", "legacy")
                .containsEntry("uri", "/retried-fallback/orders/3");
        assertTag(r, "X-Strangler-Backend", "legacy");
        assertTag(r, "X-Strangler-Fallback", "server-error");
        assertThat(breaking.calls() - calls).as("the first attempt and its one retry").isEqualTo(2);
        assertThat(metrics()).containsPattern("strangler_fallbacks_total\\{from=\"breaking\",reason=\"server-error\","
                + "route=\"retried-fallback\",to=\"legacy\"} [1-9]");
        breaking.failNext(0);
    }

    @Test
    void a5xxFromTheNewServiceFallsBackForAReadButAWriteGetsTheBackendsOwnAnswer() {
        HttpResponse<String> read = servedBy("slow", () -> Http.get(url("/slow/orders/5?status=500&on=orders")));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Http.json(read)).containsEntry("backend", "legacy");
        assertTag(read, "X-Strangler-Fallback", "server-error");

        int legacyBefore = legacy.requests();
        HttpResponse<String> write = servedBy("slow", () -> Http.post(url("/slow/orders?status=500&on=orders"), "{\"x\":1}",
                "Content-Type", "application/json"));
        assertThat(write.statusCode()).as("the new service's own 500").isEqualTo(500);
        assertThat(Http.json(write)).containsEntry("backend", "orders");
        assertThat(write.headers().firstValue("X-Strangler-Fallback")).isEmpty();
        assertThat(legacy.requests()).as("a write never reaches the fallback").isEqualTo(legacyBefore);
    }

    @Test
    void anOpenCircuitFallsBackWithoutCallingTheNewService() {
        breaking.failNext(Integer.MAX_VALUE);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = servedBy("breaker-fallback", () -> Http.get(url("/breaker-fallback/x")));
            assertTag(failed, "X-Strangler-Fallback", "server-error");
        }
        int calls = breaking.calls();
        HttpResponse<String> open = servedBy("breaker-fallback", () -> Http.get(url("/breaker-fallback/x")));
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(Http.json(open)).containsEntry("backend", "legacy");
        assertTag(open, "X-Strangler-Fallback", "circuit-open");
        assertThat(breaking.calls()).as("an open circuit calls nothing").isEqualTo(calls);
        assertThat(metrics()).containsPattern("strangler_fallbacks_total\\{from=\"breaking\",reason=\"circuit-open\","
                + "route=\"breaker-fallback\",to=\"legacy\"} [1-9]");
        breaking.failNext(0);
    }

    @Test
    void aHiddenPathIs404ProblemJsonOnThePublicPort() {
        HttpResponse<String> r = Http.get(url("/actuator/health"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertProblem(r);
    }

    // --- response tags and metrics

    @Test
    void aBackendsOwnStranglerHeadersNeverReachTheClient() {
        HttpResponse<String> r = Http.get(url("/canned/tagged"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertTag(r, "X-Strangler-Route", "canned");
        assertTag(r, "X-Strangler-Backend", "canned");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).as("no fallback served this").isEmpty();
        assertThat(r.headers().firstValue("X-Strangler-Other")).isEmpty();
    }

    /**
     * Each request adds one to exactly one series of {@code strangler.requests}, and which one does not depend on the
     * proxy path or on {@code strangler.response-tags}: every subclass checks the same list.
     */
    @Test
    void eachRequestIsCountedOnceWithTheSameTagsOnEveryPathWithOrWithoutResponseTags() {
        String user = "metrics-user";
        String canarySide = CanaryBuckets.bucket("canary-header", user) < 5_000 ? "orders" : "legacy";
        assertCountedAs("orders-api", "backend=orders,outcome=SUCCESS,stage=migrated", () -> Http.get(url("/api/orders/1")));
        assertCountedAs("orders-api", "backend=orders,outcome=CLIENT_ERROR,stage=migrated",
                () -> Http.get(url("/api/orders/1?status=404")));
        assertCountedAs("orders-api", "backend=orders,outcome=SERVER_ERROR,stage=migrated",
                () -> Http.get(url("/api/orders/1?status=503")));
        assertCountedAs("orders-report", "backend=legacy,outcome=SUCCESS,stage=legacy", () -> Http.get(url("/api/orders/report")));
        assertCountedAs("default", "backend=legacy,outcome=SUCCESS,stage=legacy", () -> Http.get(url("/products")));
        assertCountedAs("canary-header", "backend=" + canarySide + ",outcome=SUCCESS,stage=canary",
                () -> Http.get(url("/canary-header/x"), "X-User-Id", user));
        assertCountedAs("guarded", "backend=legacy,outcome=FALLBACK,stage=migrated", () -> Http.get(url("/guarded/orders/1")));
        assertCountedAs("slow", "backend=legacy,outcome=FALLBACK,stage=migrated",
                () -> Http.get(url("/slow/x?sleepMs=3000&on=orders")));
        assertCountedAs("down", "backend=down,outcome=SERVER_ERROR,stage=migrated",
                () -> Http.post(url("/down/orders"), "{}", "Content-Type", "application/json"));
        assertCountedAs("timeout", "backend=orders,outcome=SERVER_ERROR,stage=migrated",
                () -> Http.get(url("/timeout/x?sleepMs=2000")));
    }

    /** Sends {@code call} and checks that it added one to the series of {@code route} with the {@code tags} given, and to no other. */
    private void assertCountedAs(String route, String tags, Supplier<HttpResponse<String>> call) {
        Map<String, Double> before = requestCounts(route);
        call.get();
        Map<String, Double> added = Map.of();
        // The count is taken when the exchange has ended, a moment after the client has the answer.
        for (int i = 0; i < 100 && added.isEmpty(); i++) {
            added = added(before, requestCounts(route));
            if (added.isEmpty()) {
                sleep(20);
            }
        }
        assertThat(added).as("strangler_requests_seconds_count of route %s", route).isEqualTo(Map.of(tags, 1.0));
    }

    /** The count of each {@code strangler_requests_seconds} series of one route, by its other tags ({@code backend=...,outcome=...,stage=...}). */
    private Map<String, Double> requestCounts(String route) {
        Map<String, Double> counts = new TreeMap<>();
        String prefix = "strangler_requests_seconds_count{";
        for (String line : metrics().split("\n")) {
            if (line.startsWith(prefix)) {
                String labels = line.substring(prefix.length(), line.indexOf('}'));
                List<String> others = new ArrayList<>();
                boolean ofRoute = false;
                for (String label : labels.split(",")) {
                    String name = label.substring(0, label.indexOf('='));
                    String value = label.substring(label.indexOf('=') + 2, label.length() - 1);
                    if (name.equals("route")) {
                        ofRoute = value.equals(route);
                    }
                    else {
                        others.add(name + "=" + value);
                    }
                }
                if (ofRoute) {
                    counts.put(String.join(",", others), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
        }
        return counts;
    }

    private static Map<String, Double> added(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> added = new TreeMap<>();
        after.forEach((series, count) -> {
            double more = count - before.getOrDefault(series, 0.0);
            if (more != 0) {
                added.put(series, more);
            }
        });
        return added;
    }

    // --- helpers

    /** The gateway's own response tag: {@code expected} with response tags on, absent with them off. */
    private void assertTag(HttpResponse<String> r, String name, String expected) {
        if (responseTags()) {
            assertThat(r.headers().allValues(name)).as("the gateway's %s, never the backend's", name).containsExactly(expected);
        }
        else {
            assertThat(r.headers().allValues(name)).as("%s with strangler.response-tags=false", name).isEmpty();
        }
    }

    /** Sends {@code call} and checks whether Spring WebFlux served it, as this path should for that route. */
    private HttpResponse<String> servedBy(String routeId, Supplier<HttpResponse<String>> call) {
        long before = webFluxRequests();
        HttpResponse<String> r = call.get();
        long expected = servedByWebFlux(routeId) ? 1 : 0;
        // WebFlux counts a request when it has ended, a moment after the client has the answer.
        for (int i = 0; i < 100 && webFluxRequests() - before < expected; i++) {
            sleep(20);
        }
        assertThat(webFluxRequests() - before).as("requests of route %s served by WebFlux", routeId).isEqualTo(expected);
        return r;
    }

    long webFluxRequests() {
        long total = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{") && !line.contains("uri=\"/actuator")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static void assertProblem(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(r)).containsKeys("type", "title", "status", "detail").containsEntry("status", r.statusCode());
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
    }

    /** One request on its own connection from {@code localAddress} (null: 127.0.0.1), and the backend's echo of it. */
    private Map<String, Object> rawEcho(String localAddress, String requestHead) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress == null ? "127.0.0.1" : localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
            socket.setSoTimeout(10_000);
            int lineEnd = requestHead.indexOf("\r\n") + 2;
            String request = requestHead.substring(0, lineEnd) + "Host: 127.0.0.1:" + port() + "\r\n"
                    + requestHead.substring(lineEnd) + (requestHead.contains("\r\nConnection:") ? "" : "Connection: close\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawResponse response = RawResponse.read(socket.getInputStream(), false);
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            @SuppressWarnings("unchecked")
            Map<String, Object> echo = JSON.readValue(response.body(), Map.class);
            return echo;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
