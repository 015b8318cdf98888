package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

/** An edit of routes.yaml that the gateway rejects shows on the dashboard, with its file:line:column errors. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "management.endpoints.web.exposure.include=health,info,prometheus,metrics,migration,dashboard" })
class DashboardReloadErrorTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void routesFile(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders/**]
                    backend: orders
                    stage: migrated
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void rejectedEditShowsABannerWithEachErrorWhileTheLastGoodTableStaysOnThePage() {
        HeadlessChromium.require();
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders/**]
                    backend: payments
                    stage: sideways
                """);
        String migrationUrl = "http://127.0.0.1:" + managementPort + "/actuator/migration";
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.json(Http.get(migrationUrl)).get("lastReloadError") != null);
        Map<String, Object> migration = Http.json(Http.get(migrationUrl));
        Map<String, Object> failure = (Map<String, Object>) migration.get("lastReloadError");
        List<String> errors = (List<String>) failure.get("errors");
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith(fixture.routes.path() + ":"));

        RenderedDashboard page = new RenderedDashboard(
                HeadlessChromium.dumpDom("http://127.0.0.1:" + managementPort + "/actuator/dashboard"));

        assertThat(page.hidden("reload-error")).isFalse();
        String banner = page.textOf("reload-error");
        assertThat(banner).startsWith("The last edit of routes.yaml was rejected Rejected at "
                + Figures.utc(Instant.parse((String) failure.get("at"))) + " (hash "
                + ((String) failure.get("contentHash")).substring(0, 12) + "). The gateway keeps serving the table loaded at "
                + Figures.utc(Instant.parse((String) migration.get("loadedAt"))) + ".");
        assertThat(banner).contains(errors);
        assertThat(page.routeIds()).containsExactly("orders-api", "default");
        assertThat(page.cell("orders-api", "stage")).isEqualTo("migrated all to orders");
    }
}
