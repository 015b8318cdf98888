package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import io.dapr.client.domain.TransactionalStateOperation;
import io.dapr.exceptions.DaprException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.dapr.client.domain.TransactionalStateOperation.OperationType.DELETE;
import static io.dapr.client.domain.TransactionalStateOperation.OperationType.UPSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dapr's transactional outbox on "statestore" (outboxPublishPubsub=pubsub, outboxPublishTopic=orders). */
class OutboxTest {

    private static final Map<String, String> JSON = Map.of("contentType", "application/json");
    private static final Map<String, String> PROJECTION = Map.of("contentType", "application/json", "outbox.projection", "true");

    private DaprSidecarDouble dapr;
    private DaprClient client;

    @BeforeEach
    void start() {
        dapr = Sidecars.builder().app("orders-service", 1).start();
        client = Sidecars.client(dapr, "orders-service");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        dapr.close();
    }

    @Test
    void transactionPublishesOneEventPerUpsertShapedByItsProjection() {
        Map<String, Object> order = Map.of("id", 1_000_000_001L, "status", "NEW", "version", 1);
        Map<String, Object> event = Map.of("eventId", "e-1", "type", "OrderCreated", "source", "orders-service",
                "version", 1, "order", order);

        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1000000001", order, "", JSON, null)),
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1000000001", event, "", PROJECTION, null)),
                new TransactionalStateOperation<>(UPSERT, new State<>("idempotency-abc", Map.of("orderId", 1_000_000_001L), "", JSON, null)),
                new TransactionalStateOperation<>(DELETE, new State<>("draft-9")))).block();

        List<JsonNode> published = dapr.publishedEvents("orders");
        assertThat(published).as("one event per upsert; deletes and projections publish nothing of their own").hasSize(2);
        JsonNode first = published.get(0);
        assertThat(first.path("id").asText()).startsWith("outbox-");
        assertThat(first.path("source").asText()).isEqualTo("orders-service");
        assertThat(first.path("type").asText()).isEqualTo("com.dapr.event.sent");
        assertThat(first.path("specversion").asText()).isEqualTo("1.0");
        assertThat(first.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(first.path("topic").asText()).isEqualTo("orders");
        assertThat(first.path("pubsubname").asText()).isEqualTo("pubsub");
        assertThat(first.path("data").path("type").asText()).isEqualTo("OrderCreated");
        assertThat(first.path("data").path("order").path("status").asText()).isEqualTo("NEW");
        assertThat(published.get(1).path("data").path("orderId").asLong()).isEqualTo(1_000_000_001L);

        State<Map> stored = client.getState("statestore", "order-1000000001", Map.class).block();
        assertThat(stored.getValue()).as("the projection is not persisted").containsEntry("status", "NEW").doesNotContainKey("eventId");
    }

    @Test
    void saveStateNeverPublishes() {
        client.saveState("statestore", "order-5", Map.of("status", "NEW")).block();

        assertThat(dapr.publishedEvents("orders")).isEmpty();
    }

    @Test
    void storeWithoutOutboxMetadataNeverPublishes() {
        client.executeStateTransaction("indexstore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("by-customer-7", List.of(1, 2), "", JSON, null)))).block();

        assertThat(dapr.publishedEvents("orders")).isEmpty();
        assertThat(client.getState("indexstore", "by-customer-7", List.class).block().getValue()).containsExactly(1, 2);
    }

    @Test
    void failedTransactionPublishesNothing() {
        client.saveState("statestore", "order-1", Map.of("status", "NEW")).block();

        assertThatThrownBy(() -> client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1", Map.of("status", "CANCELLED"), "7", JSON, null)))).block())
                .isInstanceOf(DaprException.class);

        assertThat(dapr.publishedEvents("orders")).isEmpty();
    }

    @Test
    void withoutContentTypeTheEventCarriesTheRawValueAsText() {
        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("note", "hello", "")))).block();

        JsonNode event = dapr.publishedEvents("orders").get(0);
        assertThat(event.path("datacontenttype").asText()).isEqualTo("text/plain");
        assertThat(event.path("data").asText()).as("the SDK's JSON serializer sent the string quoted").isEqualTo("\"hello\"");
    }
}
