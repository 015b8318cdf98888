package dev.strangler.daprdouble.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import io.dapr.exceptions.DaprException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test hooks over HTTP, as a test in another process would use them. */
class AdminHttpApiTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private DaprSidecarDouble dapr;
    private DaprClient client;

    @BeforeEach
    void start() {
        dapr = Sidecars.builder().adminPort(0).app("orders-service", 1).app("legacy-monolith", 2).start();
        client = Sidecars.client(dapr, "orders-service");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        dapr.close();
    }

    @Test
    void listsPublishedEventsPerTopic() throws Exception {
        client.publishEvent("pubsub", "legacy-orders", Map.of("orderId", 3)).block();

        JsonNode events = get("/double/events?topic=legacy-orders");

        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("data").path("orderId").asInt()).isEqualTo(3);
        assertThat(get("/double/events?topic=orders")).isEmpty();
    }

    @Test
    void stateStoreCanBeMadeUnavailableAndBack() throws Exception {
        post("/double/faults/state", "{\"store\":\"statestore\",\"unavailable\":true}");
        assertThatThrownBy(() -> client.getState("statestore", "k", String.class).block()).isInstanceOf(DaprException.class);
        assertThat(get("/double/status").path("unavailableStores").get(0).asText()).isEqualTo("statestore");

        post("/double/faults/state", "{\"store\":\"statestore\",\"unavailable\":false}");
        assertThat(client.getState("statestore", "k", String.class).block().getValue()).isNull();
    }

    @Test
    void switchesShowInStatusAndResetClearsEverything() throws Exception {
        client.saveState("statestore", "k", "v").block();
        client.publishEvent("pubsub", "orders", Map.of("n", 1)).block();
        post("/double/reorder", "{\"enabled\":true,\"window\":5,\"maxDelayMillis\":10}");
        post("/double/faults/delivery", "{\"appId\":\"legacy-monolith\",\"probability\":0.3}");

        JsonNode status = get("/double/status");
        assertThat(status.path("reorder").path("enabled").asBoolean()).isTrue();
        assertThat(status.path("deliveryFaults").path("legacy-monolith").path("probability").asDouble()).isEqualTo(0.3);
        assertThat(status.path("apps")).hasSize(2);

        JsonNode afterReset = post("/double/reset", "");
        assertThat(afterReset.path("reorder").path("enabled").asBoolean()).isFalse();
        assertThat(afterReset.path("deliveryFaults").size()).isZero();
        assertThat(get("/double/events?topic=orders")).isEmpty();
        assertThat(client.getState("statestore", "k", String.class).block().getValue()).isNull();
        assertThat(get("/double/dead-letters")).isEmpty();
    }

    @Test
    void badRequestsGetProblemJson() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(admin("/double/faults/delivery"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"probability\":2}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json.readTree(response.body()).path("status").asInt()).isEqualTo(400);
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + dapr.adminPort() + path);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(admin(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(admin(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
