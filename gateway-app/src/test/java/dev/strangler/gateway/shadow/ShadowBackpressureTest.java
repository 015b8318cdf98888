package dev.strangler.gateway.shadow;

import static dev.strangler.gateway.shadow.MigrationFigures.count;
import static dev.strangler.gateway.shadow.MigrationFigures.shadow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.RoutesFile;
import reactor.core.publisher.Sinks;

/**
 * The bound on copies in flight: with two slots and a shadow backend that holds its answers, the third and later
 * sampled requests are served normally and counted as dropped, and the slots come back once the shadow answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "strangler.shadow.max-in-flight=2", "strangler.shadow.timeout=60s" })
class ShadowBackpressureTest {

    static final ScriptedBackend legacy = new ScriptedBackend("legacy");
    static final ScriptedBackend orders = new ScriptedBackend("orders");

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    ShadowCopies copies;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) throws IOException {
        RoutesFile routes = new RoutesFile(Files.createTempDirectory("shadow-backpressure-test"));
        routes.write("backends:\n"
                + "  legacy: { url: \"" + legacy.url() + "\" }\n"
                + "  orders: { url: \"" + orders.url() + "\" }\n"
                + """
                defaultBackend: legacy
                routes:
                  - id: catalog
                    paths: [/api/catalog/**]
                    backend: orders
                    stage: shadow
                """);
        registry.add("strangler.routes-file", () -> routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        legacy.close();
        orders.close();
    }

    @Test
    void copiesBeyondTheInFlightLimitAreDroppedAndThePrimaryIsServed() {
        legacy.answer("/api/catalog", 200, "{\"items\":3}");
        Sinks.Empty<Void> release = orders.held("/api/catalog", "{\"items\":3}");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = Http.get("http://127.0.0.1:" + port + "/api/catalog?n=" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"items\":3}");
        }

        Map<String, Object> held = shadow(managementPort, "catalog");
        assertThat(count(held, "dropped")).isEqualTo(4);
        assertThat(count(held, "compared")).isZero();
        assertThat(copies.freeSlots()).isZero();
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/actuator/metrics/strangler.shadow.in.flight").body())
                .contains("\"value\":2.0");
        await().atMost(Duration.ofSeconds(20)).until(() -> orders.received("/api/catalog").size() == 2);

        release.tryEmitEmpty();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> figures = shadow(managementPort, "catalog");
            assertThat(count(figures, "compared")).isEqualTo(2);
            assertThat(count(figures, "mismatched")).isZero();
            assertThat(count(figures, "dropped")).isEqualTo(4);
            assertThat(copies.freeSlots()).isEqualTo(2);
        });
    }
}
