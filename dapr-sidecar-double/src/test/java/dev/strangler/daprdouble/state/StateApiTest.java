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

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** State management through the real Dapr Java SDK, against the double's gRPC API. */
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
    void saveGetAndDeleteFollowEtags() {
        client.saveState(STORE, "order-1", Map.of("status", "NEW")).block();
        State<Map> first = client.getState(STORE, "order-1", Map.class).block();
        assertThat(first.getValue()).containsEntry("status", "NEW");
        assertThat(first.getEtag()).isEqualTo("1");

        client.saveState(STORE, "order-1", first.getEtag(), Map.of("status", "PAID"), null).block();
        State<Map> second = client.getState(STORE, "order-1", Map.class).block();
        assertThat(second.getValue()).containsEntry("status", "PAID");
        assertThat(second.getEtag()).isEqualTo("2");

        client.deleteState(STORE, "order-1", second.getEtag(), null).block();
        State<Map> gone = client.getState(STORE, "order-1", Map.class).block();
        assertThat(gone.getValue()).isNull();
        assertThat(gone.getEtag()).isNullOrEmpty();
    }

    @Test
    void staleEtagIsAbortedWithDaprdsMessage() {
        client.saveState(STORE, "counter", 1).block();
        client.saveState(STORE, "counter", "1", 2, null).block();

        assertThatThrownBy(() -> client.saveState(STORE, "counter", "1", 3, null).block())
                .isInstanceOf(DaprException.class)
                .hasMessageContaining("ABORTED")
                .hasMessageContaining("failed saving state in state store statestore: possible etag mismatch")
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"));
        assertThat(client.getState(STORE, "counter", Integer.class).block().getValue()).isEqualTo(2);
    }

    @Test
    void staleEtagOnDeleteIsAborted() {
        client.saveState(STORE, "k", "v").block();
        client.saveState(STORE, "k", "v2").block();

        assertThatThrownBy(() -> client.deleteState(STORE, "k", "1", null).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("ABORTED"))
                .hasMessageContaining("failed deleting state with key k: possible etag mismatch");
        assertThat(client.getState(STORE, "k", String.class).block().getValue()).isEqualTo("v2");
    }

    @Test
    void firstWriteWithoutEtagWinsOnceAndThenConflicts() {
        client.saveState(STORE, "id-counter", null, 1_000_000_000L, FIRST_WRITE).block();

        assertThatThrownBy(() -> client.saveState(STORE, "id-counter", null, 1_000_000_001L, FIRST_WRITE).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("failed to set key orders-service||id-counter");
        assertThat(client.getState(STORE, "id-counter", Long.class).block().getValue()).isEqualTo(1_000_000_000L);
    }

    @Test
    void firstWriteWithTheCurrentEtagSucceeds() {
        client.saveState(STORE, "id-counter", null, 5, FIRST_WRITE).block();
        State<Integer> current = client.getState(STORE, "id-counter", Integer.class).block();

        client.saveState(STORE, "id-counter", current.getEtag(), 6, FIRST_WRITE).block();

        State<Integer> next = client.getState(STORE, "id-counter", Integer.class).block();
        assertThat(next.getValue()).isEqualTo(6);
        assertThat(next.getEtag()).isEqualTo("2");
    }

    @Test
    void nonNumericEtagIsInvalidArgument() {
        client.saveState(STORE, "k", "v").block();

        assertThatThrownBy(() -> client.saveState(STORE, "k", "not-a-number", "w", null).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INVALID_ARGUMENT"))
                .hasMessageContaining("invalid etag value");
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

        List<TransactionalStateOperation<?>> ops = List.of(
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT, new State<>("b", "b1", "")),
                new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT, new State<>("a", "a2", "9")));
        assertThatThrownBy(() -> client.executeStateTransaction(STORE, ops).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getErrorCode()).isEqualTo("INTERNAL"))
                .hasMessageContaining("error while executing state transaction: possible etag mismatch");

        assertThat(client.getState(STORE, "b", String.class).block().getValue()).isNull();
        State<String> a = client.getState(STORE, "a", String.class).block();
        assertThat(a.getValue()).isEqualTo("a1");
        assertThat(a.getEtag()).isEqualTo("1");
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
        assertThat(states.get(0).getEtag()).isEqualTo("2");
        assertThat(states.get(1).getEtag()).isEqualTo("1");
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
