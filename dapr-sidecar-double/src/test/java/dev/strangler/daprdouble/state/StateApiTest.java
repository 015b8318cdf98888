package dev.strangler.daprdouble.state;

import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import io.dapr.client.domain.StateOptions;
import io.dapr.client.domain.TransactionalStateOperation;
import io.dapr.exceptions.DaprException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State management through the real Dapr Java SDK, against the double's gRPC API, with the rules of
 * components-contrib state/postgresql/v2/postgresql.go (doSet, doDelete, Multi) and the error mapping of daprd's
 * pkg/api/grpc/grpc.go.
 */
class StateApiTest {

    private static final String STORE = "statestore";
    private static final StateOptions FIRST_WRITE = new StateOptions(null, StateOptions.Concurrency.FIRST_WRITE);

    private DaprSidecarDouble dapr;
    private DaprClient client;

    @BeforeEach
    void start() {
        dapr = Sidecars.builder().app("orders-service", 1).app("legacy-monolith", 2).start();
        client = Sidecars.client(dapr, "orders-service");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        dapr.close();
    }

    @Test
    void everyWriteGivesTheKeyANewUuidEtagThatGuardsTheNext() {
        client.saveState(STORE, "order-1", Map.of("status", "NEW")).block();
        State<Map> first = client.getState(STORE, "order-1", Map.class).block();
        assertThat(first.getValue()).containsEntry("status", "NEW");
        assertThat(UUID.fromString(first.getEtag())).isNotNull();

        client.saveState(STORE, "order-1", first.getEtag(), Map.of("status", "PAID"), null).block();
        State<Map> second = client.getState(STORE, "order-1", Map.class).block();
        assertThat(second.getValue()).containsEntry("status", "PAID");
        assertThat(second.getEtag()).isNotEqualTo(first.getEtag());

        client.deleteState(STORE, "order-1", second.getEtag(), null).block();
        State<Map> gone = client.getState(STORE, "order-1", Map.class).block();
        assertThat(gone.getValue()).isNull();
        assertThat(gone.getEtag()).isNullOrEmpty();
    }

    @Test
    void staleEtagIsAbortedWithDaprdsMessage() {
        client.saveState(STORE, "counter", 1).block();
        String stale = client.getState(STORE, "counter", Integer.class).block().getEtag();
        client.saveState(STORE, "counter", stale, 2, null).block();

        assertThatThrownBy(() -> client.saveState(STORE, "counter", stale, 3, null).block())
                .isInstanceOf(DaprException.class)
                .hasMessageContaining("ABORTED")
                .hasMessageContaining("failed saving state in state store statestore: possible etag mismatch")
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"));
        assertThat(client.getState(STORE, "counter", Integer.class).block().getValue()).isEqualTo(2);
    }

    @Test
    void staleEtagOnDeleteIsAborted() {
        client.saveState(STORE, "k", "v").block();
        String stale = client.getState(STORE, "k", String.class).block().getEtag();
        client.saveState(STORE, "k", "v2").block();

        assertThatThrownBy(() -> client.deleteState(STORE, "k", stale, null).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"))
                .hasMessageContaining("failed deleting state with key k: possible etag mismatch");
        assertThat(client.getState(STORE, "k", String.class).block().getValue()).isEqualTo("v2");
    }

    /** postgres v2 updates only a live row when an ETag is given: it never creates one. */
    @Test
    void aWriteWithAnEtagToAnAbsentKeyIsAnEtagMismatch() {
        assertThatThrownBy(() -> client.saveState(STORE, "absent", UUID.randomUUID().toString(), "v", null).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"));
        assertThat(client.getState(STORE, "absent", String.class).block().getValue()).isNull();
    }

    @Test
    void firstWriteWithoutEtagWinsOnceAndThenFailsAsNoItemWasUpdated() {
        client.saveState(STORE, "id-counter", null, 1_000_000_000L, FIRST_WRITE).block();

        assertThatThrownBy(() -> client.saveState(STORE, "id-counter", null, 1_000_000_001L, FIRST_WRITE).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("failed saving state in state store statestore: no item was updated");
        assertThat(client.getState(STORE, "id-counter", Long.class).block().getValue()).isEqualTo(1_000_000_000L);
    }

    /** Unlike state.redis, postgres v2 refuses a first-write over a key that a plain last-write created. */
    @Test
    void firstWriteRefusesAKeyWrittenByAPlainSaveOrATransaction() {
        client.saveState(STORE, "plain", "v").block();
        client.executeStateTransaction(STORE, List.of(new TransactionalStateOperation<>(
                TransactionalStateOperation.OperationType.UPSERT, new State<>("in-tx", "v", "")))).block();

        for (String key : List.of("plain", "in-tx")) {
            assertThatThrownBy(() -> client.saveState(STORE, key, null, "w", FIRST_WRITE).block())
                    .as(key).isInstanceOf(DaprException.class).hasMessageContaining("no item was updated");
        }
    }

    /** doSet honours first-write inside Multi too, so a transactional create of a taken key fails. */
    @Test
    void firstWriteInsideATransactionRefusesATakenKeyAndRollsBack() {
        client.saveState(STORE, "order-9", "kept").block();

        assertThatThrownBy(() -> client.executeStateTransaction(STORE, List.of(
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT, new State<>("other", "x", "")),
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT,
                        new State<>("order-9", "overwritten", null, Map.of(), FIRST_WRITE)))).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("error while executing state transaction: no item was updated");
        assertThat(client.getState(STORE, "order-9", String.class).block().getValue()).isEqualTo("kept");
        assertThat(client.getState(STORE, "other", String.class).block().getValue()).as("rolled back").isNull();
    }

    @Test
    void firstWriteWithTheCurrentEtagSucceeds() {
        client.saveState(STORE, "id-counter", null, 5, FIRST_WRITE).block();
        State<Integer> current = client.getState(STORE, "id-counter", Integer.class).block();

        client.saveState(STORE, "id-counter", current.getEtag(), 6, FIRST_WRITE).block();

        State<Integer> next = client.getState(STORE, "id-counter", Integer.class).block();
        assertThat(next.getValue()).isEqualTo(6);
        assertThat(next.getEtag()).isNotEqualTo(current.getEtag());
    }

    /** postgres v2 reports an ETag that is not a UUID as a mismatch (ABORTED), not as an invalid ETag. */
    @Test
    void anEtagThatIsNotAUuidIsAMismatch() {
        client.saveState(STORE, "k", "v").block();

        assertThatThrownBy(() -> client.saveState(STORE, "k", "1", "w", null).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"))
                .hasMessageContaining("possible etag mismatch. error from state store: invalid UUID length: 1");
    }

    /**
     * daprd json.Unmarshals a SaveState value whose metadata says contentType application/json, and postgres v2 stores
     * json.Marshal of it. The SDK's saveState(store, key, value) adds that metadata itself (AbstractDaprClient), so only
     * a State with explicit empty metadata is stored as sent.
     */
    @Test
    void saveStateWithTheSdksJsonContentTypeStoresTheValueReencoded() {
        byte[] value = "{\"total\":14.00, \"b\":1, \"a\":\"<x>\"}".getBytes(StandardCharsets.UTF_8);
        client.saveState(STORE, "priced", value).block();
        client.saveBulkState(STORE, List.of(new State<>("as-sent", value, null, Map.of(), null))).block();

        assertThat(new String(client.getState(STORE, "priced", byte[].class).block().getValue(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"\\u003cx\\u003e\",\"b\":1,\"total\":14}");
        assertThat(new String(client.getState(STORE, "as-sent", byte[].class).block().getValue(), StandardCharsets.UTF_8))
                .isEqualTo("{\"total\":14.00, \"b\":1, \"a\":\"<x>\"}");
    }

    @Test
    void unknownStoreIsInvalidArgument() {
        assertThatThrownBy(() -> client.getState("nope", "k", String.class).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INVALID_ARGUMENT"))
                .hasMessageContaining("state store nope is not found");
    }

    @Test
    void transactionIsAllOrNothingOnEtagMismatch() {
        client.saveState(STORE, "a", "a1").block();
        String etag = client.getState(STORE, "a", String.class).block().getEtag();

        List<TransactionalStateOperation<?>> ops = List.of(
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT, new State<>("b", "b1", "")),
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT,
                        new State<>("a", "a2", UUID.randomUUID().toString())));
        assertThatThrownBy(() -> client.executeStateTransaction(STORE, ops).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("error while executing state transaction: possible etag mismatch");

        assertThat(client.getState(STORE, "b", String.class).block().getValue()).isNull();
        State<String> a = client.getState(STORE, "a", String.class).block();
        assertThat(a.getValue()).isEqualTo("a1");
        assertThat(a.getEtag()).isEqualTo(etag);
    }

    @Test
    void transactionAppliesUpsertsAndDeletesTogether() {
        client.saveState(STORE, "old", "x").block();

        client.executeStateTransaction(STORE, List.of(
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT, new State<>("new", "y", "")),
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.DELETE, new State<>("old")))).block();

        assertThat(client.getState(STORE, "new", String.class).block().getValue()).isEqualTo("y");
        assertThat(client.getState(STORE, "old", String.class).block().getValue()).isNull();
    }

    @Test
    void bulkGetReturnsValuesAndEtags() {
        client.saveState(STORE, "x", "1").block();
        client.saveState(STORE, "x", "2").block();
        client.saveState(STORE, "y", "3").block();

        List<State<String>> states = client.getBulkState(STORE, List.of("x", "y", "z"), String.class).block();

        assertThat(states).extracting(State::getKey).containsExactly("x", "y", "z");
        assertThat(states).extracting(State::getValue).containsExactly("2", "3", null);
        assertThat(states.get(0).getEtag()).isEqualTo(client.getState(STORE, "x", String.class).block().getEtag());
        assertThat(states.get(1).getEtag()).isNotBlank();
    }

    @Test
    void appsSharingAStoreDoNotSeeEachOthersKeys() throws Exception {
        try (DaprClient monolith = Sidecars.client(dapr, "legacy-monolith")) {
            client.saveState(STORE, "order-7", "from orders-service").block();
            assertThat(monolith.getState(STORE, "order-7", String.class).block().getValue()).isNull();

            monolith.saveState(STORE, "order-7", "from monolith").block();

            assertThat(client.getState(STORE, "order-7", String.class).block().getValue()).isEqualTo("from orders-service");
            assertThat(monolith.getState(STORE, "order-7", String.class).block().getValue()).isEqualTo("from monolith");
        }
    }

    @Test
    void unavailableStoreFailsCallsUntilItIsBack() {
        client.saveState(STORE, "k", "v").block();
        dapr.stateStoreUnavailable(STORE, true);

        assertThatThrownBy(() -> client.getState(STORE, "k", String.class).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("fail to get k from state store statestore");
        assertThatThrownBy(() -> client.saveState(STORE, "k", "w").block()).isInstanceOf(DaprException.class);
        assertThat(client.getState("indexstore", "k", String.class).block().getValue())
                .as("only the named store is down").isNull();

        dapr.stateStoreUnavailable(STORE, false);
        assertThat(client.getState(STORE, "k", String.class).block().getValue()).isEqualTo("v");
    }
}
