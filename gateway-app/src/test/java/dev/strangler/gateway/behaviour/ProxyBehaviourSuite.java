package dev.strangler.gateway.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strangler.gateway.GatewayApplication;
import dev.strangler.gateway.canary.CanaryBuckets;
import dev.strangler.gateway.support.FlakyBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RawResponse;

/**
 * What a migration team relies on the gateway for, asserted as they would check it, on one proxy path per subclass.
 * The subclasses differ by one property, {@code strangler.direct-path}, so both paths are held to the same
 * behaviour; {@link #servedByWebFlux} says which requests each path leaves to Spring WebFlux.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyBehaviourSuite {

    /** Callers from this address are trusted proxies, as the Istio ingress gateway is; 127.0.0.1 is not. */
    static final String TRUSTED_PROXY = "127.0.0.2";
    static final ObjectMapper JSON = new ObjectMapper();

    final GatewayFixture fixture = new GatewayFixture();
    final FlakyBackend breaking = new FlakyBackend();
    ConfigurableApplicationContext gateway;

    /** The value of {@code strangler.direct-path} the subclass runs with. */
    abstract boolean directPath();

    /** Whether this path leaves a request of this route to Spring WebFlux. */
    abstract boolean servedByWebFlux(String routeId);

    @BeforeAll
    void start() {
        fixture.routes.write(fixture.header().replace("defaultBackend:", "  breaking: { url: \"" + breaking.url() + "\" }\ndefaultBackend:") + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: migrated
                    rewrite: { prefix: /api/orders, to: /orders }
                  - id: orders-report
                    paths: [/api/orders/report]
                    backend: orders
                    stage: legacy
                  - id: canary-cookie
                    paths: [/canary-cookie/**]
                    backend: orders
                    stage: canary
                    canary: { percent: 50, stickyBy: "cookie:strangler_cohort" }
                  - id: canary-header
                    paths: [/canary-header/**]
                    backend: orders
                    stage: canary
                    canary: { percent: 50, stickyBy: "header:X-User-Id" }
                  - id: shadowed
                    paths: [/shadowed/**]
                    backend: orders
                    stage: shadow
                  - id: guarded
                    paths: [/guarded/**]
                    backend: down
                    stage: migrated
                    retries: 1
                    fallback: legacy
                  - id: slow
                    paths: [/slow/**]
                    backend: orders
                    stage: migrated
                    timeout: 300ms
                    fallback: legacy
                  - id: breaker
                    paths: [/breaker/**]
                    backend: breaking
                    stage: migrated
                    circuitBreaker: { failureRate: 50, window: 4, openFor: 60s }
                  - id: retried
                    paths: [/retried/**]
                    backend: breaking
                    stage: migrated
                    retries: 2
                  - id: retried-fallback
                    paths: [/retried-fallback/**]
                    backend: breaking
                    stage: migrated
                    retries: 1
                    fallback: legacy
                  - id: breaker-fallback
                    paths: [/breaker-fallback/**]
                    backend: breaking
                    stage: migrated
                    fallback: legacy
                    circuitBreaker: { failureRate: 50, window: 2, openFor: 60s }
                  - id: shadow-none
                    paths: [/shadow-none/**]
                    backend: orders
                    stage: shadow
                    shadow: { percent: 0 }
                  - id: shadow-all
                    paths: [/shadow-all/**]
                    backend: orders
                    stage: shadow
                    shadow: { percent: 100 }
                  - id: shadow-half
                    paths: [/shadow-half/**]
                    backend: orders
                    stage: shadow
                    shadow: { percent: 50 }
                """);
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0", "--management.server.port=0",
                "--strangler.routes-file=" + fixture.routes.path(), "--strangler.direct-path=" + directPath(),
                "--strangler.trusted-proxies=" + TRUSTED_PROXY + "/32");
    }

    @AfterAll
    void stop() {
        gateway.close();
        fixture.legacy.close();
        fixture.orders.close();
        breaking.close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int port() {
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    String metrics() {
        return Http.get("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.management.port") + "/actuator/prometheus").body();
    }

    // --- routing

    @Test
    void aMigratedRouteGoesToItsNewServiceWithTheRewriteAndIsTagged() {
        HttpResponse<String> r = servedBy("orders-api", () -> Http.get(url("/api/orders/42?expand=items")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).containsEntry("backend", "orders").containsEntry("uri", "/orders/42?expand=items");
        assertThat(r.headers().firstValue("X-Strangler-Route")).as("the gateway's tag, never the backend's").hasValue("orders-api");
        assertThat(r.headers().firstValue("X-Strangler-Backend")).hasValue("orders");
    }

    @Test
    void aMoreSpecificLegacyRouteInsideAMigratedPrefixStaysOnTheMonolithWithItsOwnPath() {
        HttpResponse<String> r = servedBy("orders-report", () -> Http.get(url("/api/orders/report")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/api/orders/report");
        assertThat(r.headers().firstValue("X-Strangler-Route")).hasValue("orders-report");
    }

    @Test
    void anUnmatchedPathGoesToTheDefaultBackend() {
        HttpResponse<String> r = servedBy("default", () -> Http.get(url("/products?page=2")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/products?page=2");
        assertThat(r.headers().firstValue("X-Strangler-Route")).hasValue("default");
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
        int before = fixture.orders.requests();
        HttpResponse<String> r = servedBy("shadowed", () -> Http.get(url("/shadowed/items/1")));
        assertThat(Http.json(r)).containsEntry("backend", "legacy");
        for (int i = 0; i < 250 && fixture.orders.requests() == before; i++) {
            Thread.sleep(20);
        }
        assertThat(fixture.orders.requests()).as("the copy reached the new service").isEqualTo(before + 1);
    }

    @Test
    void aShadowRouteAtZeroPercentServesEveryReadFromTheMonolithAndCopiesNone() throws InterruptedException {
        int before = fixture.orders.requests();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = servedBy("shadow-none", () -> Http.get(url("/shadow-none/items/1"), "X-Strangler-Shadow", "true"));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        Thread.sleep(300);
        assertThat(fixture.orders.requests()).as("no copy, whatever the client's headers say").isEqualTo(before);
        assertThat(metrics()).doesNotContain("strangler_shadow_compared_total{route=\"shadow-none\"}");
    }

    @Test
    void aShadowRouteAtOneHundredPercentComparesEveryReadExactlyOnce() throws InterruptedException {
        int before = fixture.orders.requests();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = servedBy("shadow-all", () -> Http.get(url("/shadow-all/items/2")));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        for (int i = 0; i < 250 && shadowCompared("shadow-all") < 5; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(shadowCompared("shadow-all")).as("comparisons").isEqualTo(5);
        assertThat(fixture.orders.requests() - before).as("copies").isEqualTo(5);
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
        assertThat(r.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).hasValue("refused");
        assertThat(metrics()).containsPattern(
                "strangler_requests_seconds_count\\{backend=\"legacy\",outcome=\"FALLBACK\",route=\"guarded\",stage=\"migrated\"} [1-9]");
    }

    @Test
    void aReadFallsBackOnATimeout() {
        HttpResponse<String> r = Http.get(url("/slow/x?sleepMs=3000&on=orders"));
        assertThat(Http.json(r)).containsEntry("backend", "legacy");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).hasValue("timeout");
    }

    @Test
    void aWriteNeverFallsBackRefusedIs503WithRetryAfterAndATimeoutIs504() {
        int legacyBefore = fixture.legacy.requests();
        HttpResponse<String> refused = Http.post(url("/guarded/orders"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertProblem(refused);
        HttpResponse<String> slow = Http.post(url("/slow/orders?sleepMs=3000"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertProblem(slow);
        assertThat(fixture.legacy.requests()).as("a write never reaches the other backend").isEqualTo(legacyBefore);
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
        assertThat(r.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).hasValue("server-error");
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
        assertThat(read.headers().firstValue("X-Strangler-Fallback")).hasValue("server-error");

        int legacyBefore = fixture.legacy.requests();
        HttpResponse<String> write = servedBy("slow", () -> Http.post(url("/slow/orders?status=500&on=orders"), "{\"x\":1}",
                "Content-Type", "application/json"));
        assertThat(write.statusCode()).as("the new service's own 500").isEqualTo(500);
        assertThat(Http.json(write)).containsEntry("backend", "orders");
        assertThat(write.headers().firstValue("X-Strangler-Fallback")).isEmpty();
        assertThat(fixture.legacy.requests()).as("a write never reaches the fallback").isEqualTo(legacyBefore);
    }

    @Test
    void anOpenCircuitFallsBackWithoutCallingTheNewService() {
        breaking.failNext(Integer.MAX_VALUE);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = servedBy("breaker-fallback", () -> Http.get(url("/breaker-fallback/x")));
            assertThat(failed.headers().firstValue("X-Strangler-Fallback")).as("call %d", i).hasValue("server-error");
        }
        int calls = breaking.calls();
        HttpResponse<String> open = servedBy("breaker-fallback", () -> Http.get(url("/breaker-fallback/x")));
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(Http.json(open)).containsEntry("backend", "legacy");
        assertThat(open.headers().firstValue("X-Strangler-Fallback")).hasValue("circuit-open");
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

    // --- helpers

    /** Sends {@code call} and checks whether Spring WebFlux served it, as this path should for that route. */
    private HttpResponse<String> servedBy(String routeId, java.util.function.Supplier<HttpResponse<String>> call) {
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
