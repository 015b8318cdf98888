package dev.strangler.gateway.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class CanaryRoutingTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    static String table(int headerPercent) {
        return fixture.header() + """
                routes:
                  - id: by-header
                    paths: [/api/orders/**]
                    backend: orders
                    stage: canary
                    rewrite: { prefix: /api/orders, to: /orders }
                    canary: { percent: %d, stickyBy: "header:X-User-Id" }
                  - id: by-cookie
                    paths: [/shop/**]
                    backend: orders
                    stage: canary
                    canary: { percent: 50, stickyBy: "cookie:strangler_cohort" }
                """.formatted(headerPercent);
    }

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(table(30));
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

    String backendFor(String user) {
        return Http.get("http://127.0.0.1:" + port + "/api/orders/1", "X-User-Id", user).headers().firstValue("X-Strangler-Backend").orElseThrow();
    }

    @Test
    void usersStayOnTheirSideAndRaisingPercentNeverMovesAnyoneBack() throws Exception {
        Map<String, String> at30 = new HashMap<>();
        for (int u = 0; u < 200; u++) {
            String user = "user-" + u;
            String first = backendFor(user);
            assertThat(backendFor(user)).as("sticky").isEqualTo(first);
            at30.put(user, first);
        }
        long onNew = at30.values().stream().filter("orders"::equals).count();
        assertThat(onNew).isBetween(30L, 95L);
        String metrics = Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body();
        assertThat(metrics).containsPattern("strangler_canary_share\\{backend=\"orders\",route=\"by-header\"} 0\\.[1-4]");
        for (var e : at30.entrySet()) {
            boolean expected = CanaryBuckets.toNewBackend("by-header", e.getKey(), 3000);
            assertThat(e.getValue()).isEqualTo(expected ? "orders" : "legacy");
        }

        fixture.routes.write(table(60));
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline && at30.entrySet().stream().noneMatch(e -> !e.getValue().equals(backendFor(e.getKey())))) {
            Thread.sleep(50);
        }
        int moved = 0;
        for (var e : at30.entrySet()) {
            String now = backendFor(e.getKey());
            if (e.getValue().equals("orders")) {
                assertThat(now).as("%s moved back to legacy", e.getKey()).isEqualTo("orders");
            }
            else if (now.equals("orders")) {
                moved++;
            }
        }
        assertThat(moved).as("raising the percentage moved some legacy users to the new service").isPositive();
        fixture.routes.write(table(30));
    }

    @Test
    void newServiceGetsTheRewrittenPathLegacyTheOriginal() {
        for (int u = 0; u < 50; u++) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/api/orders/7", "X-User-Id", "u" + u);
            String backend = Http.json(r).get("backend").toString();
            assertThat(Http.json(r).get("uri")).isEqualTo(backend.equals("orders") ? "/orders/7" : "/api/orders/7");
        }
    }

    @Test
    void withoutACookieTheGatewayDrawsAKeySetsTheCookieAndTheUserStaysPut() {
        HttpResponse<String> first = Http.get("http://127.0.0.1:" + port + "/shop/cart");
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("strangler_cohort=").contains("Path=/", "SameSite=Lax", "Max-Age=2592000").containsIgnoringCase("HttpOnly");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = first.headers().firstValue("X-Strangler-Backend").orElseThrow();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> again = Http.get("http://127.0.0.1:" + port + "/shop/cart", "Cookie", cookie);
            assertThat(again.headers().firstValue("X-Strangler-Backend")).hasValue(backend);
            assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }
}
