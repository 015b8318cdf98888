package dev.strangler.orders;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.net.LoopbackPorts;
import dev.strangler.orders.order.Order;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * orders-service over real HTTP on a random port, talking to the Dapr sidecar double over real gRPC and HTTP, with
 * a stand-in monolith behind the double's service invocation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersServiceOnDaprTest {

    private static final LegacyCatalogFixture LEGACY = new LegacyCatalogFixture();
    private static final int GRPC_PORT = LoopbackPorts.free();
    private static final int HTTP_PORT = LoopbackPorts.free();
    private static final Path DATA_FILE = tempFile();
    private static DaprSidecarDouble dapr = startDouble();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void sidecar(DynamicPropertyRegistry registry) {
        registry.add("dapr.grpc.port", () -> GRPC_PORT);
        registry.add("dapr.http.port", () -> HTTP_PORT);
        registry.add("dapr.sidecar.ip", () -> "127.0.0.1");
    }

    @BeforeEach
    void registerAppPort() {
        dapr.appPort("orders-service", port);
    }

    @AfterAll
    static void stop() {
        dapr.close();
        LEGACY.close();
    }

    /** daprd's outbox first publishes to this internal topic, at once, and to "orders" a second later. */
    private static final String OUTBOX_TOPIC = "orders-serviceordersoutbox";

    @Test
    void createPublishesOneOrderCreatedEventShapedByTheOutboxProjection() throws Exception {
        dapr.awaitDeliveriesSettled(Duration.ofSeconds(30));
        int before = dapr.publishedEvents("orders").size();

        HttpResponse<String> created = post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":4}]}", null);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode order = json.readTree(created.body());
        assertThat(order.get("id").asLong()).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(created.body()).contains("\"total\":14.00", "\"unitPrice\":3.50");
        // daprd's outbox publishes about a second after the commit.
        await().atMost(Duration.ofSeconds(15)).until(() -> dapr.publishedEvents("orders").size() == before + 1);
        List<JsonNode> events = dapr.publishedEvents("orders");
        JsonNode event = events.get(events.size() - 1);
        assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
        JsonNode data = event.get("data");
        assertThat(data.get("type").asText()).isEqualTo("OrderCreated");
        assertThat(data.get("source").asText()).isEqualTo("orders-service");
        assertThat(data.get("version").asLong()).isEqualTo(1);
        assertThat(data.get("eventId").asText()).isNotBlank();
        assertThat(data.get("occurredAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        // The outbox re-encodes numbers (14.00 arrives as 14): the same order by value, not by its JSON text.
        assertThat(data.at("/order/total").toString()).isEqualTo("14");
        assertThat(json.treeToValue(data.get("order"), Order.class)).isEqualTo(json.treeToValue(order, Order.class));

        HttpResponse<String> cancelled = post("/api/orders/" + order.get("id").asLong() + "/cancel", null, null);
        await().atMost(Duration.ofSeconds(15)).until(() -> dapr.publishedEvents("orders").size() == before + 2);
        JsonNode cancelEvent = dapr.publishedEvents("orders").get(before + 1).get("data");
        assertThat(cancelEvent.get("type").asText()).isEqualTo("OrderCancelled");
        assertThat(cancelEvent.get("version").asLong()).isEqualTo(2);
        assertThat(json.treeToValue(cancelEvent.get("order"), Order.class)).isEqualTo(json.treeToValue(json.readTree(cancelled.body()), Order.class));
    }

    @Test
    void idsComeFromTheCounterAndNeverRepeat() throws Exception {
        long first = json.readTree(post("/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":1}]}", null).body())
                .get("id").asLong();
        long second = json.readTree(post("/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":1}]}", null).body())
                .get("id").asLong();

        assertThat(first).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void shadowWritesAreValidatedAndAnsweredButNeitherStoredNorPublished() throws Exception {
        long real = json.readTree(post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}", null).body())
                .get("id").asLong();
        int events = dapr.publishedEvents(OUTBOX_TOPIC).size();
        long listed = json.readTree(get("/api/orders?size=1").body()).get("totalElements").asLong();

        HttpResponse<String> shadowCreate = post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":2}]}", "true");
        HttpResponse<String> shadowInvalid = post("/api/orders", "{\"customerId\":99,\"items\":[{\"productId\":1,\"quantity\":2}]}", "true");
        HttpResponse<String> shadowCancel = post("/api/orders/" + real + "/cancel", null, "true");

        assertThat(shadowCreate.statusCode()).isEqualTo(201);
        assertThat(shadowInvalid.statusCode()).isEqualTo(400);
        assertThat(shadowCancel.statusCode()).isEqualTo(200);
        assertThat(json.readTree(shadowCancel.body()).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(get("/api/orders/" + json.readTree(shadowCreate.body()).get("id").asLong()).statusCode()).isEqualTo(404);
        assertThat(json.readTree(get("/api/orders/" + real).body()).get("status").asText()).isEqualTo("CREATED");
        assertThat(json.readTree(get("/api/orders?size=1").body()).get("totalElements").asLong()).isEqualTo(listed);
        assertThat(dapr.publishedEvents(OUTBOX_TOPIC)).as("nothing went into the outbox").hasSize(events);
    }

    @Test
    void aLegacyOrderIsReadThroughAndKeptWithoutAnEvent() throws Exception {
        String legacyOrder = "{\"id\":77,\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":2,\"unitPrice\":24.90}],"
                + "\"total\":49.80,\"status\":\"CREATED\",\"createdAt\":\"2026-11-01T10:00:00.000Z\",\"version\":1}";
        LEGACY.putOrder(77, legacyOrder);
        int events = dapr.publishedEvents(OUTBOX_TOPIC).size();

        HttpResponse<String> read = get("/api/orders/77");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(legacyOrder);
        assertThat(get("/api/orders?customerId=2&size=100").body()).contains("\"id\":77,");
        assertThat(dapr.publishedEvents(OUTBOX_TOPIC)).hasSize(events);
        // Stored as sent: with the SDK's default contentType metadata daprd would have re-encoded it (49.80 as 49.8).
        assertThat(storedJson("order-77")).contains("\"total\":49.80");
        assertThat(get("/api/orders/78").statusCode()).isEqualTo(404);
    }

    @Test
    void aFailingStateStoreGives503WithRetryAfterAndNothingIsStored() throws Exception {
        long listed = json.readTree(get("/api/orders?size=1").body()).get("totalElements").asLong();
        dapr.stateStoreUnavailable("statestore", true);
        try {
            HttpResponse<String> refused = post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}", null);
            assertUnavailable(refused);
        } finally {
            dapr.stateStoreUnavailable("statestore", false);
        }
        assertThat(json.readTree(get("/api/orders?size=1").body()).get("totalElements").asLong()).isEqualTo(listed);
    }

    @Test
    void anUnreachableSidecarGives503AndReadinessDownUntilItIsBack() throws Exception {
        long id = json.readTree(post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":1}]}", null).body())
                .get("id").asLong();
        dapr.close();
        try {
            assertUnavailable(get("/api/orders/" + id));
            assertUnavailable(post("/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":1}]}", null));
            HttpResponse<String> readiness = get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("\"DOWN\"");
        } finally {
            dapr = startDouble();
            dapr.appPort("orders-service", port);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200));
        HttpResponse<String> back = get("/api/orders/" + id);
        assertThat(back.statusCode()).isEqualTo(200);
    }

    /** Backfill reads first: it never reverts a change this service holds, and it brings a newer legacy version. */
    @Test
    void backfillKeepsNewerLocalChangesAndBringsNewerLegacyOnes() throws Exception {
        String created = "{\"id\":%d,\"customerId\":3,\"items\":[{\"productId\":1,\"quantity\":1,\"unitPrice\":24.90}],"
                + "\"total\":24.90,\"status\":\"%s\",\"createdAt\":\"2026-10-02T08:00:00.000Z\",\"version\":%d}";
        LEGACY.putOrder(95, created.formatted(95, "CREATED", 1));
        LEGACY.putOrder(96, created.formatted(96, "CREATED", 1));
        assertThat(get("/api/orders/95").statusCode()).isEqualTo(200);
        assertThat(get("/api/orders/96").statusCode()).isEqualTo(200);
        assertThat(post("/api/orders/95/cancel", null, null).statusCode()).as("cancelled here, not yet in the monolith").isEqualTo(200);
        LEGACY.putOrder(96, created.formatted(96, "CANCELLED", 2));

        post("/actuator/backfill", "{\"fromStart\":true}", null);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json.readTree(get("/actuator/backfill").body()).get("state").asText()).isEqualTo("COMPLETED"));

        assertThat(json.readTree(get("/api/orders/95").body()).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(json.readTree(get("/api/orders/95").body()).get("version").asLong()).isEqualTo(2);
        assertThat(json.readTree(get("/api/orders/96").body()).get("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aLostListingIndexIsRebuiltByTheBackfill() throws Exception {
        long mine = json.readTree(post("/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":2,\"quantity\":5}]}", null).body())
                .get("id").asLong();
        LEGACY.putOrder(91, "{\"id\":91,\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":1,\"unitPrice\":3.50}],"
                + "\"total\":3.50,\"status\":\"CANCELLED\",\"createdAt\":\"2026-10-01T08:00:00.000Z\",\"version\":2}");
        try (DaprClient client = new DaprClientBuilder()
                .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
                .withPropertyOverride(Properties.GRPC_PORT, Integer.toString(GRPC_PORT))
                .withPropertyOverride(Properties.HTTP_PORT, Integer.toString(HTTP_PORT))
                .build()) {
            client.deleteState("indexstore", "orders-index").block(Duration.ofSeconds(10));
        }
        assertThat(json.readTree(get("/api/orders").body()).get("totalElements").asLong()).isZero();

        HttpResponse<String> started = post("/actuator/backfill", "{\"fromStart\":true}", null);

        assertThat(started.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json.readTree(get("/actuator/backfill").body()).get("state").asText()).isEqualTo("COMPLETED"));
        String listing = get("/api/orders?size=100").body();
        assertThat(listing).contains("\"id\":" + mine + ",", "\"id\":91,");
        assertThat(json.readTree(get("/api/orders/91").body()).get("status").asText()).isEqualTo("CANCELLED");
    }

    private void assertUnavailable(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:strangler:problem:sidecar-unavailable");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String shadow) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (shadow != null) {
            request.header("X-Strangler-Shadow", shadow);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the state store holds under this app's {@code key}, as text. */
    private static String storedJson(String key) throws Exception {
        try (DaprClient client = new DaprClientBuilder()
                .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
                .withPropertyOverride(Properties.GRPC_PORT, Integer.toString(GRPC_PORT))
                .withPropertyOverride(Properties.HTTP_PORT, Integer.toString(HTTP_PORT))
                .build()) {
            return new String(client.getState("statestore", key, byte[].class).block(Duration.ofSeconds(10)).getValue(),
                    StandardCharsets.UTF_8);
        }
    }

    private static DaprSidecarDouble startDouble() {
        return DaprSidecarDouble.builder()
                .resourcesPath(Path.of("..", "dapr", "components"))
                .dataFile(DATA_FILE)
                .app(new AppSpec("orders-service", 0, GRPC_PORT, HTTP_PORT))
                .app("legacy-monolith", LEGACY.port())
                .start();
    }

    private static Path tempFile() {
        try {
            Path dir = Files.createTempDirectory("orders-service-dapr");
            return dir.resolve("dapr-state.json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
