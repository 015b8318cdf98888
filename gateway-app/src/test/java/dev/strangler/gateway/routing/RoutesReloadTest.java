package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class RoutesReloadTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    static String table(String stage) {
        return fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: %s
                """.formatted(stage);
    }

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(table("legacy"));
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

    String backendOf(HttpResponse<String> response) {
        return response.headers().firstValue("X-Strangler-Backend").orElse("none");
    }

    @Test
    void savedEditTakesEffectWithin2sWithNoFailedRequestThenABadEditKeepsTheLastGoodTable() throws Exception {
        fixture.routes.write(table("legacy"));
        awaitBackend("legacy", Duration.ofSeconds(3));

        // Clients keep calling, some of them slowly enough to be in flight during the swap.
        var failures = new ConcurrentLinkedQueue<String>();
        var pool = Executors.newFixedThreadPool(4);
        List<Future<?>> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    String path = client == 0 ? "/api/orders?sleepMs=50" : "/api/orders/" + i;
                    HttpResponse<String> r = Http.get(url(path));
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                }
            }));
        }
        Thread.sleep(200);
        long flippedAt = System.nanoTime();
        fixture.routes.write(table("migrated"));
        awaitBackend("orders", Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - flippedAt)).isLessThan(Duration.ofSeconds(2));
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(failures).isEmpty();

        String goodHash = migration().get("contentHash").toString();
        fixture.routes.write(table("migrated") + "    timout: 3s\n");
        awaitReloadError(Duration.ofSeconds(3));
        Map<String, Object> status = migration();
        assertThat(status.get("contentHash")).isEqualTo(goodHash);
        @SuppressWarnings("unchecked")
        var error = (Map<String, Object>) status.get("lastReloadError");
        assertThat(error.get("errors").toString()).contains("routes.yaml:11:5: unknown key 'timout'", "did you mean 'timeout'");
        for (int i = 0; i < 20; i++) {
            assertThat(backendOf(Http.get(url("/api/orders")))).isEqualTo("orders");
        }

        fixture.routes.write(table("legacy"));
        awaitBackend("legacy", Duration.ofSeconds(2));
        assertThat(migration().get("lastReloadError")).isNull();
    }

    @Test
    void deletedFileKeepsServingTheLastGoodTable() throws Exception {
        fixture.routes.write(table("migrated"));
        awaitBackend("orders", Duration.ofSeconds(3));
        java.nio.file.Files.delete(fixture.routes.path());
        Thread.sleep(600);
        assertThat(backendOf(Http.get(url("/api/orders")))).isEqualTo("orders");
        assertThat(migration().get("lastReloadError").toString()).contains("cannot read the routes file");
        fixture.routes.write(table("legacy"));
        awaitBackend("legacy", Duration.ofSeconds(3));
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    Map<String, Object> migration() {
        return Http.json(Http.get("http://127.0.0.1:" + managementPort + "/actuator/migration"));
    }

    void awaitBackend(String backend, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (backendOf(Http.get(url("/api/orders"))).equals(backend)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("/api/orders did not go to " + backend + " within " + within);
    }

    void awaitReloadError(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (migration().get("lastReloadError") != null) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no reload error reported within " + within);
    }
}
