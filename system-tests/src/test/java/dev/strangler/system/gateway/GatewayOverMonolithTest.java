package dev.strangler.system.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;
import dev.strangler.system.support.Repo;

/** The first step of every migration: the gateway in front of the real monolith, every path still on legacy. */
class GatewayOverMonolithTest {

    static AppProcess monolith;
    static AppProcess gateway;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        monolith = AppProcess.start(AppSpec.of("legacy-monolith-stub").named("gw-legacy-monolith").withArgs("--legacy.data-dir=data"));
        Path routes = Files.createDirectories(Repo.target("gateway-over-monolith")).resolve("routes.yaml");
        Files.copy(Repo.root().resolve("gateway-app/config/routes.yaml"), routes, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        gateway = AppProcess.start(AppSpec.of("gateway-app").named("gw-gateway")
                .withPorts("server.port", "management.server.port")
                .healthCheck("management.server.port", "/actuator/health/readiness")
                .withEnv("STRANGLER_ROUTES_FILE", routes.toString())
                .withEnv("LEGACY_URL", monolith.baseUrl())
                .withEnv("ORDERS_URL", "http://127.0.0.1:1"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (monolith != null) {
            monolith.close();
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ordersAreCreatedAndReadThroughTheGatewayOnTheMonolith() throws Exception {
        var products = send(HttpRequest.newBuilder(gateway.uri("/api/products")));
        assertThat(products.statusCode()).isEqualTo(200);
        assertThat(products.headers().firstValue("X-Strangler-Route")).hasValue("default");
        String productId = products.body().replaceAll("(?s)^\\[\\{\"id\":(\\d+).*", "$1");
        var customers = send(HttpRequest.newBuilder(gateway.uri("/api/customers")));
        String customerId = customers.body().replaceAll("(?s)^\\[\\{\"id\":(\\d+).*", "$1");

        var created = send(HttpRequest.newBuilder(gateway.uri("/api/orders")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customerId + ",\"items\":[{\"productId\":"
                        + productId + ",\"quantity\":2}]}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("X-Strangler-Route")).hasValue("orders-api");
        assertThat(created.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
        String location = created.headers().firstValue("Location").orElseThrow();
        String path = URI.create(location).getPath();

        var read = send(HttpRequest.newBuilder(gateway.uri(path)));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"status\":\"CREATED\"");
    }

    @Test
    void monolithErrorsPassThroughUnchanged() throws Exception {
        var missing = send(HttpRequest.newBuilder(gateway.uri("/api/orders/999999998")));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void monolithsHtmlPageIsServedThroughTheGateway() throws Exception {
        var page = send(HttpRequest.newBuilder(gateway.uri("/")));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    }
}
