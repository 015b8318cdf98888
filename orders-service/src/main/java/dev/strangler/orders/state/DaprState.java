package dev.strangler.orders.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.ExecuteStateTransactionRequest;
import io.dapr.client.domain.State;
import io.dapr.client.domain.StateOptions;
import io.dapr.client.domain.TransactionalStateOperation;
import io.dapr.exceptions.DaprException;

import org.springframework.stereotype.Component;

/**
 * Typed access to Dapr state stores. Values are JSON written with the app's own ObjectMapper (so instants and money
 * keep the contract's format) and handed to the SDK as bytes, which it passes through unchanged.
 *
 * <p>No stored write carries metadata: with {@code contentType: application/json} daprd's SaveState decodes the
 * value and state.postgresql v2 stores it re-encoded (numbers as float64, so 14.00 becomes 14), and the SDK's
 * {@code saveState(store, key, etag, value, options)} adds exactly that metadata, so writes go through
 * {@code saveBulkState} with a State whose metadata is empty. Only an outbox projection, which is never stored, says
 * it is JSON, so that its event carries JSON.
 *
 * <p>Failures are translated once, here: a lost race becomes {@link StateConflictException}; an unreachable sidecar
 * or a failing store becomes {@link UnavailableException} (503 with Retry-After). state.postgresql v2 reports a
 * first-write on a taken key as INTERNAL "no item was updated", not as an ETag error, and daprd wraps every failure
 * inside a transaction as INTERNAL; both are recognised by their messages.
 */
@Component
public class DaprState {

    private static final StateOptions FIRST_WRITE =
            new StateOptions(StateOptions.Consistency.STRONG, StateOptions.Concurrency.FIRST_WRITE);
    /** Stored as sent: see the class comment. */
    private static final Map<String, String> NO_METADATA = Map.of();
    private static final Map<String, String> PROJECTION = Map.of("contentType", "application/json", "outbox.projection", "true");

    private final DaprClient dapr;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Duration retryAfter;

    DaprState(DaprClient dapr, ObjectMapper json, OrdersProperties properties) {
        this.dapr = dapr;
        this.json = json;
        this.timeout = properties.sidecarTimeout();
        this.retryAfter = properties.retryAfter();
    }

    public <T> Optional<Versioned<T>> get(String store, String key, Class<T> type) {
        State<byte[]> state = call(() -> dapr.getState(store, key, byte[].class).block(timeout));
        if (state == null || state.getValue() == null || state.getValue().length == 0) {
            return Optional.empty();
        }
        return Optional.of(new Versioned<>(read(state.getValue(), type), state.getEtag()));
    }

    /** The values present among {@code keys}, by key, in the order of {@code keys}. */
    public <T> Map<String, T> getBulk(String store, List<String> keys, Class<T> type) {
        Map<String, T> found = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        List<State<byte[]>> states = call(() -> dapr.getBulkState(store, keys, byte[].class).block(timeout));
        Map<String, byte[]> byKey = new LinkedHashMap<>();
        for (State<byte[]> state : states) {
            if (state.getError() != null && !state.getError().isEmpty()) {
                throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                        "The state store could not read every order; try again", retryAfter, null);
            }
            if (state.getValue() != null && state.getValue().length > 0) {
                byKey.put(state.getKey(), state.getValue());
            }
        }
        for (String key : keys) {
            byte[] value = byKey.get(key);
            if (value != null) {
                found.put(key, read(value, type));
            }
        }
        return found;
    }

    /** Writes the key only if it does not exist; false when it does. No outbox event: not a transaction. */
    public boolean insertIfAbsent(String store, String key, Object value) {
        try {
            save(store, key, null, value);
            return true;
        } catch (StateConflictException taken) {
            return false;
        }
    }

    /** Overwrites the key if its ETag is still {@code etag}; throws {@link StateConflictException} otherwise. */
    public void replace(String store, String key, Object value, String etag) {
        save(store, key, etag, value);
    }

    private void save(String store, String key, String etag, Object value) {
        State<byte[]> state = new State<>(key, write(value), etag, NO_METADATA, FIRST_WRITE);
        call(() -> dapr.saveBulkState(store, List.of(state)).block(timeout));
    }

    /** Runs the operations atomically; an ETag or first-write conflict throws {@link StateConflictException}. */
    public void transact(String store, List<TransactionalStateOperation<?>> operations) {
        call(() -> dapr.executeStateTransaction(new ExecuteStateTransactionRequest(store).setOperations(operations))
                .block(timeout));
    }

    /**
     * An upsert inside a transaction, guarded: with {@code etag} null it succeeds only if the key is absent
     * (state.postgresql v2 applies first-write inside transactions too), else only if the ETag still holds.
     */
    public TransactionalStateOperation<byte[]> guardedUpsert(String key, Object value, String etag) {
        return new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT,
                new State<>(key, write(value), etag, NO_METADATA, FIRST_WRITE));
    }

    /** The outbox projection of {@code key}: daprd publishes it as the event of that key's upsert and never stores it. */
    public TransactionalStateOperation<byte[]> projection(String key, Object event) {
        return new TransactionalStateOperation<>(TransactionalStateOperation.OperationType.UPSERT,
                new State<>(key, write(event), null, PROJECTION, null));
    }

    public byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state as JSON", e);
        }
    }

    public <T> T read(byte[] bytes, Class<T> type) {
        try {
            return json.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state as " + type.getSimpleName(), e);
        }
    }

    private <T> T call(SidecarCall<T> call) {
        try {
            return call.run();
        } catch (DaprException e) {
            throw translate(e);
        } catch (IllegalStateException timeout) {
            // Mono.block(timeout) throws IllegalStateException when the sidecar does not answer in time.
            throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                    "The Dapr sidecar did not answer in time; try again", retryAfter, timeout);
        }
    }

    private RuntimeException translate(DaprException e) {
        String code = e.getErrorCode() == null ? "" : e.getErrorCode();
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (code.equals("ABORTED") || message.contains("possible etag mismatch") || message.contains("no item was updated")) {
            return new StateConflictException(message, e);
        }
        if (code.equals("INVALID_ARGUMENT")) {
            // A misnamed store or a bad key is a bug or a misconfiguration, not an outage: let it be a 500.
            return e;
        }
        return new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                "The Dapr sidecar or its state store is unavailable; try again", retryAfter, e);
    }

    @FunctionalInterface
    private interface SidecarCall<T> {
        T run();
    }
}
