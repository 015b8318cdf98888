package dev.strangler.legacy.sync;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.legacy.support.SharedMonolith;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monolith's side of the sync with orders-service, over real HTTP: the subscription it declares, how it applies
 * orders-service's events, the outbox rows of its own changes, shadow dry runs and the keyset read. Publishing is
 * off here (no sidecar), so the outbox rows stay to be looked at.
 */
@SharedMonolith
@TestPropertySource(properties = "legacy.sync.publish=false")
class OrderSyncTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void subscribesToTheOrdersTopicWithADeadLetterTopic() throws Exception {
        JsonNode subscriptions = json.readTree(send("GET", "/dapr/subscribe", null, null, null).body());

        assertThat(subscriptions).anySatisfy(subscription -> {
            assertThat(subscription.get("pubsubName").asText()).isEqualTo("pubsub");
            assertThat(subscription.get("topic").asText()).isEqualTo("orders");
            assertThat(subscription.get("route").asText()).isEqualTo("/dapr/sync/orders");
            assertThat(subscription.get("deadLetterTopic").asText()).isEqualTo("orders-dead");
        });
    }

    @Test
    void eventsForUnknownOrdersInsertThemAndOnlyNewerVersionsApply() throws Exception {
        long id = 1_000_000_500L;
        HttpResponse<String> cancelledFirst = deliver(event(id, "CANCELLED", 2));
        HttpResponse<String> createdLate = deliver(event(id, "CREATED", 1));
        HttpResponse<String> duplicate = deliver(event(id, "CANCELLED", 2));

        assertThat(List.of(cancelledFirst, createdLate, duplicate)).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(json.readTree(answer.body()).get("status").asText()).isEqualTo("SUCCESS");
        });
        JsonNode order = json.readTree(send("GET", "/api/orders/" + id, null, null, null).body());
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("version").asLong()).isEqualTo(2);
        assertThat(order.get("total").decimalValue()).isEqualByComparingTo("49.80");
        assertThat(outboxRows(id)).as("applied events are never published back").isZero();
    }

    /**
     * daprd's outbox (pkg/runtime/pubsub/outbox.go) re-encodes the event with Go's encoding/json: keys sorted, money as
     * float64 (49.80 arrives as 49.8, 14.00 as 14). The order is the same by value, and is stored and served as such.
     */
    @Test
    void anEventReencodedByDaprsOutboxIsAppliedByValue() throws Exception {
        long id = 1_000_000_501L;
        String reencoded = event(id, "CREATED", 1).replace("\"unitPrice\":24.90", "\"unitPrice\":24.9").replace("\"total\":49.80", "\"total\":49.8");

        HttpResponse<String> answer = deliver(reencoded);

        assertThat(json.readTree(answer.body()).get("status").asText()).isEqualTo("SUCCESS");
        String served = send("GET", "/api/orders/" + id, null, null, null).body();
        assertThat(served).contains("\"total\":49.80", "\"unitPrice\":24.90");
        HttpResponse<String> again = deliver(event(id, "CREATED", 1));
        assertThat(json.readTree(again.body()).get("status").asText()).as("the same version, whatever its encoding").isEqualTo("SUCCESS");
        assertThat(send("GET", "/api/orders/" + id, null, null, null).body()).isEqualTo(served);
    }

    @Test
    void anUnreadableEventIsDroppedToTheDeadLetterTopicNotRetried() throws Exception {
        HttpResponse<String> answer = deliver("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"t\",\"source\":\"s\",\"data\":{\"nonsense\":true}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).get("status").asText()).isEqualTo("DROP");
    }

    @Test
    void ownCreatesAndCancelsWriteTheirEventsToTheOutboxInTheSameTransaction() throws Exception {
        JsonNode created = json.readTree(send("POST", "/api/orders", "{\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":1}]}",
                null, null).body());
        long id = created.get("id").asLong();
        send("POST", "/api/orders/" + id + "/cancel", null, null, null);

        List<JsonNode> events = new ArrayList<>();
        for (String payload : jdbc.sql("SELECT payload FROM order_events_outbox WHERE order_id = ? ORDER BY seq").param(id)
                .query(String.class).list()) {
            events.add(json.readTree(payload));
        }
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("type").asText()).isEqualTo("OrderCreated");
        assertThat(events.get(0).get("source").asText()).isEqualTo("legacy-monolith");
        assertThat(events.get(0).get("version").asLong()).isEqualTo(1);
        assertThat(events.get(0).get("order")).isEqualTo(created);
        assertThat(events.get(1).get("type").asText()).isEqualTo("OrderCancelled");
        assertThat(events.get(1).get("version").asLong()).isEqualTo(2);
        assertThat(events.get(1).get("order").get("status").asText()).isEqualTo("CANCELLED");
        assertThat(events.get(0).get("eventId").asText()).isNotEqualTo(events.get(1).get("eventId").asText());
    }

    @Test
    void shadowWritesAreAnsweredButStoreAndPublishNothing() throws Exception {
        long id = json.readTree(send("POST", "/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":1}]}",
                null, null).body()).get("id").asLong();
        long total = json.readTree(send("GET", "/api/orders?size=1", null, null, null).body()).get("totalElements").asLong();
        long outbox = jdbc.sql("SELECT COUNT(*) FROM order_events_outbox").query(Long.class).single();

        HttpResponse<String> shadowCreate = send("POST", "/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":1}]}",
                "true", "shadow-key");
        HttpResponse<String> shadowCancel = send("POST", "/api/orders/" + id + "/cancel", null, "true", null);

        assertThat(shadowCreate.statusCode()).isEqualTo(201);
        assertThat(shadowCancel.statusCode()).isEqualTo(200);
        assertThat(json.readTree(shadowCancel.body()).get("status").asText()).isEqualTo("CANCELLED");
        long shadowId = json.readTree(shadowCreate.body()).get("id").asLong();
        assertThat(send("GET", "/api/orders/" + shadowId, null, null, null).statusCode()).isEqualTo(404);
        assertThat(json.readTree(send("GET", "/api/orders/" + id, null, null, null).body()).get("status").asText()).isEqualTo("CREATED");
        assertThat(json.readTree(send("GET", "/api/orders?size=1", null, null, null).body()).get("totalElements").asLong()).isEqualTo(total);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM order_events_outbox").query(Long.class).single()).isEqualTo(outbox);
        // The shadow did not use up its Idempotency-Key either: a real request with it creates an order.
        assertThat(send("POST", "/api/orders", "{\"customerId\":2,\"items\":[{\"productId\":1,\"quantity\":1}]}", null, "shadow-key")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void keysetPagesWalkEveryOrderOnceInIdOrder() throws Exception {
        long total = json.readTree(send("GET", "/api/orders?size=1", null, null, null).body()).get("totalElements").asLong();
        List<Long> ids = new ArrayList<>();
        long afterId = 0;
        for (int pages = 0; pages < 1000; pages++) {
            JsonNode page = json.readTree(send("GET", "/internal/sync/orders?limit=7&afterId=" + afterId, null, null, null).body());
            page.get("orders").forEach(order -> ids.add(order.get("id").asLong()));
            if (page.get("nextAfterId").isNull()) {
                break;
            }
            afterId = page.get("nextAfterId").asLong();
        }

        assertThat(ids).hasSize((int) total).doesNotHaveDuplicates().isSorted();
        assertThat(send("GET", "/internal/sync/orders?limit=0", null, null, null).statusCode()).isEqualTo(400);
    }

    private long outboxRows(long orderId) {
        return jdbc.sql("SELECT COUNT(*) FROM order_events_outbox WHERE order_id = ?").param(orderId).query(Long.class).single();
    }

    private static String event(long id, String status, long version) {
        String order = ("{\"id\":%d,\"customerId\":3,\"items\":[{\"productId\":1,\"quantity\":2,\"unitPrice\":24.90}],"
                + "\"total\":49.80,\"status\":\"%s\",\"createdAt\":\"2026-11-25T10:00:00.000Z\",\"version\":%d}").formatted(id, status, version);
        String data = ("{\"eventId\":\"e-%d-%d\",\"type\":\"%s\",\"source\":\"orders-service\",\"version\":%d,\"order\":%s,"
                + "\"occurredAt\":\"2026-11-25T10:00:01.000Z\"}").formatted(id, version,
                status.equals("CANCELLED") ? "OrderCancelled" : "OrderCreated", version, order);
        return "{\"specversion\":\"1.0\",\"id\":\"outbox-%d-%d\",\"source\":\"orders-service\",\"type\":\"com.dapr.event.sent\","
                .formatted(id, version) + "\"datacontenttype\":\"application/json\",\"topic\":\"orders\",\"pubsubname\":\"pubsub\",\"data\":" + data + "}";
    }

    private HttpResponse<String> deliver(String cloudEvent) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dapr/sync/orders"))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(cloudEvent)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body, String shadow, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (shadow != null) {
            request.header("X-Strangler-Shadow", shadow);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
