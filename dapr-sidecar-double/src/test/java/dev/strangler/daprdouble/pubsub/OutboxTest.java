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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import static io.dapr.client.domain.TransactionalStateOperation.OperationType.DELETE;
import static io.dapr.client.domain.TransactionalStateOperation.OperationType.UPSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dapr's transactional outbox on "statestore" (outboxPublishPubsub=pubsub, outboxPublishTopic=orders,
 * outboxDiscardWhenMissingState=true), as daprd's pkg/runtime/pubsub/outbox.go runs it: an internal message before
 * the transaction, a marker key in it, a 1 s wait, then the event re-encoded with Go's encoding/json.
 */
class OutboxTest {

    private static final String INTERNAL_TOPIC = "orders-serviceordersoutbox";
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

    private List<JsonNode> awaitEvents(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> dapr.publishedEvents("orders").size() >= count && dapr.pendingDeliveries() == 0);
        return dapr.publishedEvents("orders");
    }

    @Test
    void transactionPublishesOneEventPerUpsertShapedByItsProjection() {
        Map<String, Object> order = Map.of("id", 1_000_000_001L, "status", "NEW", "version", 1);
        Map<String, Object> event = Map.of("eventId", "e-1", "type", "OrderCreated", "source", "orders-service",
                "version", 1, "order", order);

        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1000000001", order, "")),
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1000000001", event, "", PROJECTION, null)),
                new TransactionalStateOperation<>(UPSERT, new State<>("idempotency-abc", Map.of("orderId", 1_000_000_001L), "",
                        Map.of("contentType", "application/json"), null)),
                new TransactionalStateOperation<>(DELETE, new State<>("draft-9")))).block();

        List<JsonNode> published = awaitEvents(2);
        assertThat(published).as("one event per upsert; deletes and projections publish nothing of their own").hasSize(2);
        JsonNode first = published.stream().filter(e -> e.path("data").has("type")).findFirst().orElseThrow();
        assertThat(first.path("id").asText()).startsWith("outbox-");
        assertThat(first.path("source").asText()).isEqualTo("orders-service");
        assertThat(first.path("type").asText()).isEqualTo("com.dapr.event.sent");
        assertThat(first.path("specversion").asText()).isEqualTo("1.0");
        assertThat(first.path("datacontenttype").asText()).as("the projection's content type").isEqualTo("application/json");
        assertThat(first.path("topic").asText()).isEqualTo("orders");
        assertThat(first.path("pubsubname").asText()).isEqualTo("pubsub");
        assertThat(first.path("data").path("type").asText()).isEqualTo("OrderCreated");
        assertThat(first.path("data").path("order").path("status").asText()).isEqualTo("NEW");
        assertThat(published).anySatisfy(e -> assertThat(e.path("data").path("orderId").asLong()).isEqualTo(1_000_000_001L));

        State<Map> stored = client.getState("statestore", "order-1000000001", Map.class).block();
        assertThat(stored.getValue()).as("the projection is not persisted").containsEntry("status", "NEW").doesNotContainKey("eventId");
    }

    /** outbox.go: PublishInternal goes to the internal topic at once; the real topic waits defaultStateScanDelay (1 s). */
    @Test
    void theEventGoesToAnInternalTopicFirstAndToItsTopicAboutASecondLater() {
        long committedAt = System.nanoTime();
        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1", Map.of("status", "NEW"), "",
                        Map.of("contentType", "application/json"), null)))).block();

        assertThat(dapr.publishedEvents(INTERNAL_TOPIC)).singleElement()
                .satisfies(internal -> assertThat(internal.path("id").asText()).startsWith("outbox-"));
        assertThat(dapr.publishedEvents("orders")).as("not yet: the subscriber waits 1 s before it looks for the marker").isEmpty();

        awaitEvents(1);
        assertThat(Duration.ofNanos(System.nanoTime() - committedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(dapr.publishedEvents("orders").get(0).path("id")).isEqualTo(dapr.publishedEvents(INTERNAL_TOPIC).get(0).path("id"));
    }

    /** outbox.go decodes the internal message with plain json.Unmarshal and marshals it again: float64 numbers, sorted keys. */
    @Test
    void numbersLoseTheirLiteralFormOnTheWayOut() {
        String projection = "{\"order\":{\"total\":14.00,\"id\":1000000001,\"price\":1e2},\"note\":\"<b>&\"}";
        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1", "{}".getBytes(StandardCharsets.UTF_8), "")),
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1", projection.getBytes(StandardCharsets.UTF_8), "",
                        PROJECTION, null)))).block();

        JsonNode internal = dapr.publishedEvents(INTERNAL_TOPIC).get(0);
        assertThat(internal.path("data").path("order").path("total").toString()).as("kept as sent on the internal topic").isEqualTo("14.00");
        JsonNode event = awaitEvents(1).get(0);
        assertThat(event.path("data").path("order").path("total").toString()).isEqualTo("14");
        assertThat(event.path("data").path("order").path("price").toString()).isEqualTo("100");
        assertThat(event.path("data").path("order").path("id").toString()).isEqualTo("1000000001");
        assertThat(event.path("data").path("note").asText()).isEqualTo("<b>&");
    }

    /** Postgres rolls the transaction back with its marker, so the internal message finds none and is discarded. */
    @Test
    void failedTransactionPublishesNothingAndItsInternalMessageIsDiscarded() {
        client.saveState("statestore", "order-1", Map.of("status", "NEW")).block();

        assertThatThrownBy(() -> client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("order-1", Map.of("status", "CANCELLED"),
                        UUID.randomUUID().toString())))).block())
                .isInstanceOf(DaprException.class);

        assertThat(dapr.publishedEvents(INTERNAL_TOPIC)).as("published before the transaction ran").hasSize(1);
        assertThat(dapr.pendingDeliveries()).isEqualTo(1);
        // 1 s wait plus about 10 s of looking for the marker.
        await().atMost(Duration.ofSeconds(20)).until(() -> dapr.pendingDeliveries() == 0);
        assertThat(dapr.publishedEvents("orders")).isEmpty();
        assertThat(client.getState("statestore", "order-1", Map.class).block().getValue()).containsEntry("status", "NEW");
    }

    /** outbox.go without outboxDiscardWhenMissingState: the handler fails and the broker redelivers, without end. */
    @Test
    void withoutTheDiscardFlagAMessageWithoutMarkerIsKeptForRedelivery() throws Exception {
        Path resources = Sidecars.resources("outbox-keeps", Sidecars.FAST_RETRIES);
        Path statestore = resources.resolve("statestore.yaml");
        // Renamed, the setting is unknown to daprd, so the flag is unset.
        Files.writeString(statestore, Files.readString(statestore).replace("outboxDiscardWhenMissingState", "unsetForThisTest"));
        try (DaprSidecarDouble keeping = DaprSidecarDouble.builder().resourcesPath(resources).app("orders-service", 1).start();
             DaprClient keepingClient = Sidecars.client(keeping, "orders-service")) {
            assertThatThrownBy(() -> keepingClient.executeStateTransaction("statestore", List.of(
                    new TransactionalStateOperation<>(UPSERT, new State<>("order-2", Map.of("status", "NEW"),
                            UUID.randomUUID().toString())))).block())
                    .isInstanceOf(DaprException.class);

            Thread.sleep(13_000);

            assertThat(keeping.pendingDeliveries()).as("rejected for later processing, not dropped").isEqualTo(1);
            assertThat(keeping.publishedEvents("orders")).isEmpty();
        }
    }

    @Test
    void saveStateNeverPublishes() {
        client.saveState("statestore", "order-5", Map.of("status", "NEW")).block();

        assertThat(dapr.publishedEvents(INTERNAL_TOPIC)).isEmpty();
        assertThat(dapr.pendingDeliveries()).isZero();
    }

    @Test
    void storeWithoutOutboxMetadataNeverPublishes() {
        client.executeStateTransaction("indexstore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("by-customer-7", List.of(1, 2), "")))).block();

        assertThat(dapr.publishedEvents(INTERNAL_TOPIC)).isEmpty();
        assertThat(dapr.pendingDeliveries()).isZero();
        assertThat(client.getState("indexstore", "by-customer-7", List.class).block().getValue()).containsExactly(1, 2);
    }

    @Test
    void withoutContentTypeTheEventCarriesTheRawValueAsText() {
        client.executeStateTransaction("statestore", List.of(
                new TransactionalStateOperation<>(UPSERT, new State<>("note", "hello", "")))).block();

        JsonNode event = awaitEvents(1).get(0);
        assertThat(event.path("datacontenttype").asText()).isEqualTo("text/plain");
        assertThat(event.path("data").asText()).as("the SDK's JSON serializer sent the string quoted").isEqualTo("\"hello\"");
    }
}
