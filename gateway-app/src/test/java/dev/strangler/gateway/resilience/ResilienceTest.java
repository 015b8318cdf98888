package dev.strangler.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.FlakyBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class ResilienceTest {

    static final GatewayFixture fixture = new GatewayFixture();
    static final FlakyBackend flaky = new FlakyBackend();
    static final FlakyBackend breaking = new FlakyBackend();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header().replace("defaultBackend", "  flaky: { url: \"" + flaky.url() + "\" }\n"
                + "  breaking: { url: \"" + breaking.url() + "\" }\ndefaultBackend") + """
                routes:
                  - id: to-down
                    paths: [/down/**]
                    backend: down
                    stage: migrated
                    fallback: legacy
                  - id: to-slow
                    paths: [/slow/**]
                    backend: orders
                    stage: migrated
                    timeout: 300ms
                    fallback: legacy
                  - id: to-orders
                    paths: [/orders/**]
                    backend: orders
                    stage: migrated
                    fallback: legacy
                  - id: retried
                    paths: [/retried/**]
                    backend: flaky
                    stage: migrated
                    retries: 2
                  - id: breaker
                    paths: [/breaker/**]
                    backend: breaking
                    stage: migrated
                    circuitBreaker: { failureRate: 50, window: 4, openFor: 1s }
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
        flaky.close();
        breaking.close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void safeRequestFallsBackToLegacyWhenTheConnectionIsRefused() {
        HttpResponse<String> r = Http.get(url("/down/orders/1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).containsEntry("backend", "legacy").containsEntry("uri", "/down/orders/1");
        assertThat(r.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
        assertThat(r.headers().firstValue("X-Strangler-Fallback")).hasValue("refused");
    }

    @Test
    void safeRequestFallsBackOnTimeoutAndOn5xx() {
        HttpResponse<String> slow = Http.get(url("/slow/x?sleepMs=3000&on=orders"));
        assertThat(Http.json(slow)).containsEntry("backend", "legacy");
        assertThat(slow.headers().firstValue("X-Strangler-Fallback")).hasValue("timeout");

        HttpResponse<String> failing = Http.get(url("/orders/x?status=500&on=orders"));
        assertThat(failing.statusCode()).isEqualTo(200);
        assertThat(Http.json(failing)).containsEntry("backend", "legacy");
        assertThat(failing.headers().firstValue("X-Strangler-Fallback")).hasValue("server-error");
    }

    @Test
    void writeNeverFallsBackRefusedIs503WithRetryAfterAndTimeoutIs504() {
        int legacyBefore = fixture.legacy.requests();
        HttpResponse<String> refused = Http.post(url("/down/orders"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> slow = Http.post(url("/slow/orders?sleepMs=3000"), "{\"x\":1}", "Content-Type", "application/json");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(slow.headers().firstValue("Retry-After")).isEmpty();
        assertThat(fixture.legacy.requests()).as("a write never reaches the other backend").isEqualTo(legacyBefore);
    }

    @Test
    void writeGetsTheBackendsOwn5xxAnswer() {
        int legacyBefore = fixture.legacy.requests();
        HttpResponse<String> r = Http.post(url("/orders/x?status=500"), "{}", "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Http.json(r)).containsEntry("backend", "orders");
        assertThat(fixture.legacy.requests()).isEqualTo(legacyBefore);
    }

    @Test
    void manyConcurrentRequestsThroughAGuardedRouteAreAllServed() throws Exception {
        // 80 requests in flight at once, each held 300 ms by the backend: no per-route concurrency cap may reject them.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(80);
        try {
            var calls = new java.util.ArrayList<java.util.concurrent.Future<HttpResponse<String>>>();
            for (int i = 0; i < 80; i++) {
                calls.add(pool.submit(() -> Http.get(url("/orders/c?sleepMs=300&on=orders"))));
            }
            for (var call : calls) {
                HttpResponse<String> r = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Strangler-Backend")).as("served by the new backend, not a fallback").hasValue("orders");
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void safeRequestsAreRetriedWritesAreNot() {
        flaky.failNext(2);
        int before = flaky.calls();
        HttpResponse<String> get = Http.get(url("/retried/a"));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(flaky.calls() - before).isEqualTo(3);

        flaky.failNext(2);
        before = flaky.calls();
        HttpResponse<String> post = Http.post(url("/retried/a"), "{}", "Content-Type", "application/json");
        assertThat(post.statusCode()).isEqualTo(500);
        assertThat(flaky.calls() - before).isEqualTo(1);
        flaky.failNext(0);
    }

    @Test
    void circuitOpensAfterFailuresAnswers503WithoutCallingTheBackendThenCloses() throws Exception {
        breaking.failNext(Integer.MAX_VALUE);
        for (int i = 0; i < 4; i++) {
            assertThat(Http.get(url("/breaker/x")).statusCode()).isEqualTo(500);
        }
        int callsWhenOpen = breaking.calls();
        HttpResponse<String> open = Http.get(url("/breaker/x"));
        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("Retry-After")).isPresent();
        assertThat(open.body()).contains("circuit open");
        assertThat(breaking.calls()).as("an open circuit does not call the backend").isEqualTo(callsWhenOpen);
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body())
                .as("the route's breaker is published with its state")
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"breaker@breaking\\[50%/4/1000ms\\]\"[^}]*state=\"open\"[^}]*} 1\\.0");

        breaking.failNext(0);
        Thread.sleep(1_200);
        for (int i = 0; i < 5; i++) {
            assertThat(Http.get(url("/breaker/x")).statusCode()).isEqualTo(200);
        }
        assertThat(breaking.calls()).isEqualTo(callsWhenOpen + 5);
    }
}
