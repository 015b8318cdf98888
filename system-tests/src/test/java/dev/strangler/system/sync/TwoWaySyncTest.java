package dev.strangler.system.sync;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.system.contract.ApiResponse;
import dev.strangler.system.contract.OrdersApi;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two-way sync between the monolith and orders-service, as real processes over the Dapr sidecar double: events both
 * ways, read-through, backfill, reconciliation (including a store broken on purpose) and dead-letter replay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoWaySyncTest {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final ObjectMapper json = new ObjectMapper();
    private DaprStack stack;
    private OrdersApi legacy;
    private OrdersApi orders;

    @BeforeAll
    void startStack() {
        // Few retries, so that an event a subscriber keeps refusing reaches its dead-letter topic quickly.
        stack = DaprStack.start("sync", DaprResources.withQuickRetries("sync", 2), spec -> spec);
        legacy = new OrdersApi(stack.legacy().uri(""));
        orders = new OrdersApi(stack.orders().uri(""));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void ordersCreatedAndCancelledInOrdersServiceReachTheMonolithAndItsSalesReport() {
        JsonNode report = legacy.getJson("/api/reports/sales");
        long ordersBefore = report.get("totals").get("orders").asLong();
        JsonNode created = orders.createOrder(1, 2, 3);
        long id = created.get("id").asLong();
        JsonNode toCancel = orders.createOrder(2, 1, 1);

        assertThat(id).isGreaterThanOrEqualTo(1_000_000_000L);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(legacy.get("/api/orders/" + id).body()).isEqualTo(orders.get("/api/orders/" + id).body()));
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(legacy.getJson("/api/reports/sales").get("totals").get("orders").asLong()).isEqualTo(ordersBefore + 2));

        String cancelled = orders.cancel(toCancel.get("id").asLong()).body();
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(legacy.get("/api/orders/" + toCancel.get("id").asLong()).body()).isEqualTo(cancelled));
        assertThat(legacy.getJson("/api/reports/sales").get("totals").get("orders").asLong()).isEqualTo(ordersBefore + 1);
    }

    @Test
    @Order(2)
    void ordersCreatedAndCancelledInTheMonolithReachOrdersServiceWithoutReadThrough() {
        long id = legacy.createOrder(3, 4, 2).get("id").asLong();

        // The listing never reads through, so finding the order there proves the event arrived.
        await().atMost(SETTLE).untilAsserted(() -> assertThat(orders.listAll("customerId=3"))
                .extracting(order -> order.get("id").asLong()).contains(id));
        String cancelled = legacy.cancel(id).body();
        await().atMost(SETTLE).untilAsserted(() -> assertThat(orders.get("/api/orders/" + id).body()).isEqualTo(cancelled));
    }

    @Test
    @Order(3)
    void appliedEventsAreNeverPublishedBack() {
        long fromService = orders.createOrder(1, 1, 1).get("id").asLong();
        long fromLegacy = legacy.createOrder(1, 1, 1).get("id").asLong();
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(orders.listAll("customerId=1")).extracting(order -> order.get("id").asLong()).contains(fromLegacy);
            assertThat(legacy.get("/api/orders/" + fromService).status()).isEqualTo(200);
        });
        stack.awaitDeliveriesSettled(SETTLE);

        List<JsonNode> serviceEvents = stack.dapr().publishedEvents("orders");
        List<JsonNode> legacyEvents = stack.dapr().publishedEvents("legacy-orders");
        assertThat(serviceEvents).allSatisfy(event -> assertThat(event.path("data").path("source").asText()).isEqualTo("orders-service"));
        assertThat(legacyEvents).allSatisfy(event -> assertThat(event.path("data").path("source").asText()).isEqualTo("legacy-monolith"));
        assertThat(serviceEvents).filteredOn(event -> event.path("data").path("order").path("id").asLong() == fromLegacy).isEmpty();
        assertThat(legacyEvents).filteredOn(event -> event.path("data").path("order").path("id").asLong() == fromService).isEmpty();
        JsonNode created = serviceEvents.stream()
                .filter(event -> event.path("data").path("order").path("id").asLong() == fromService).findFirst().orElseThrow();
        assertThat(created.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(created.path("data").path("type").asText()).isEqualTo("OrderCreated");
        assertThat(created.path("data").path("version").asLong()).isEqualTo(1);
        assertThat(created.path("data").has("eventId")).isTrue();
        assertThat(created.path("data").has("occurredAt")).isTrue();
    }

    @Test
    @Order(4)
    void legacyOnlyOrdersAreReadThroughAndBackfillCopiesEveryOneOfThem() {
        JsonNode seed = legacy.getJson("/api/orders?size=1&page=23").get("content").get(0);
        long seedId = seed.get("id").asLong();

        ApiResponse readThrough = orders.get("/api/orders/" + seedId);
        assertThat(readThrough.status()).isEqualTo(200);
        assertThat(readThrough.body()).isEqualTo(legacy.get("/api/orders/" + seedId).body());

        ApiResponse started = orders.send("POST", "/actuator/backfill", "application/json", "{}");
        assertThat(started.status()).isEqualTo(200);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(orders.getJson("/actuator/backfill").get("state").asText()).isEqualTo("COMPLETED"));
        JsonNode progress = orders.getJson("/actuator/backfill");
        long legacyTotal = legacy.getJson("/api/orders?size=1").get("totalElements").asLong();
        assertThat(progress.get("copied").asLong() + progress.get("alreadyPresent").asLong()).isEqualTo(legacyTotal);
        assertThat(progress.get("copied").asLong()).as("seed orders not yet in orders-service").isGreaterThan(0);

        List<Long> legacyIds = legacy.listAll("").stream().map(order -> order.get("id").asLong()).toList();
        assertThat(orders.listAll("").stream().map(order -> order.get("id").asLong()).toList())
                .containsExactlyInAnyOrderElementsOf(legacyIds);

        // A second run copies nothing: it inserts only what is absent.
        orders.send("POST", "/actuator/backfill", "application/json", "{\"fromStart\":true}");
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(orders.getJson("/actuator/backfill").get("state").asText()).isEqualTo("COMPLETED"));
        assertThat(orders.getJson("/actuator/backfill").get("copied").asLong()).isZero();
    }

    @Test
    @Order(5)
    void reconciliationReportsConsistentStoresAndFindsAStoreBrokenOnPurpose() throws Exception {
        orders.send("POST", "/actuator/backfill", "application/json", "{\"fromStart\":true}");
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(orders.getJson("/actuator/backfill").get("state").asText()).isEqualTo("COMPLETED"));
        stack.awaitDeliveriesSettled(SETTLE);
        JsonNode clean = orders.getJson("/actuator/reconciliation");
        assertThat(clean.get("consistent").asBoolean()).as(clean.toString()).isTrue();
        assertThat(clean.get("legacyCount").asLong()).isEqualTo(clean.get("serviceCount").asLong());

        long deleted = orders.createOrder(1, 2, 1).get("id").asLong();
        long altered = orders.createOrder(2, 2, 1).get("id").asLong();
        stack.awaitDeliveriesSettled(SETTLE);
        try (DaprClient client = new DaprClientBuilder()
                .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
                .withPropertyOverride(Properties.GRPC_PORT, Integer.toString(stack.dapr().grpcPort(DaprStack.ORDERS_APP_ID)))
                .withPropertyOverride(Properties.HTTP_PORT, Integer.toString(stack.dapr().httpPort(DaprStack.ORDERS_APP_ID)))
                .build()) {
            client.deleteState("statestore", "order-" + deleted).block(Duration.ofSeconds(10));
            byte[] stored = client.getState("statestore", "order-" + altered, byte[].class).block(Duration.ofSeconds(10)).getValue();
            ObjectNode document = (ObjectNode) json.readTree(stored);
            ((ObjectNode) document.get("order")).put("status", "CANCELLED");
            client.saveState("statestore", "order-" + altered, null, json.writeValueAsBytes(document), null)
                    .block(Duration.ofSeconds(10));
        }

        JsonNode broken = orders.getJson("/actuator/reconciliation");
        assertThat(broken.get("consistent").asBoolean()).isFalse();
        assertThat(broken.get("missingInService")).extracting(JsonNode::asLong).containsExactly(deleted);
        assertThat(broken.get("missingInLegacy")).isEmpty();
        assertThat(broken.get("differing")).hasSize(1);
        assertThat(broken.get("differing").get(0).get("id").asLong()).isEqualTo(altered);
        assertThat(broken.get("differing").get(0).get("legacyStatus").asText()).isEqualTo("CREATED");
        assertThat(broken.get("differing").get(0).get("serviceStatus").asText()).isEqualTo("CANCELLED");
    }

    @Test
    @Order(6)
    void eventsTheMonolithRefusedGoToTheDeadLetterTopicAndReplayDeliversThem() {
        stack.dapr().failDeliveries(DaprStack.LEGACY_APP_ID, 1.0);
        long id;
        try {
            id = orders.createOrder(4, 3, 2).get("id").asLong();
            await().atMost(SETTLE).untilAsserted(() -> assertThat(orders.getJson("/actuator/deadletters"))
                    .anySatisfy(parked -> assertThat(parked.path("data").path("order").path("id").asLong()).isEqualTo(id)));
        } finally {
            stack.dapr().failDeliveries(DaprStack.LEGACY_APP_ID, 0.0);
        }
        assertThat(legacy.get("/api/orders/" + id).status()).isEqualTo(404);

        JsonNode replay = orders.send("POST", "/actuator/deadletters", "application/json", "{}").json();

        assertThat(replay.get("replayed").asInt()).isPositive();
        assertThat(replay.get("remaining").asInt()).isZero();
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(legacy.get("/api/orders/" + id).body()).isEqualTo(orders.get("/api/orders/" + id).body()));
    }
}
