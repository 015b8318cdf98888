package dev.strangler.daprdouble.state;

import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.OutboxSettings;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One in-memory state store component, with the ETag rules of state.redis:
 * <ul>
 *   <li>an ETag must be an integer, else ETAG_INVALID;</li>
 *   <li>on an existing key, a given ETag must equal the current version, else ETAG_MISMATCH;</li>
 *   <li>on an existing key, first-write without an ETag fails (WRITE_CONFLICT); last-write overwrites;</li>
 *   <li>on an absent key, a write succeeds whatever the ETag (redis' script does the same).</li>
 * </ul>
 * Every call holds the store's monitor, so a transaction is atomic and isolated: all operations or none.
 */
public final class StateStore {

    private final ComponentSpec component;
    private final Map<String, StoredItem> items = new HashMap<>();
    private volatile boolean unavailable;

    public StateStore(ComponentSpec component) {
        this.component = component;
    }

    public String name() {
        return component.name();
    }

    public ComponentSpec component() {
        return component;
    }

    public Optional<OutboxSettings> outbox() {
        return component.outbox();
    }

    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    public boolean unavailable() {
        return unavailable;
    }

    public synchronized Optional<StoredItem> get(String key) {
        checkAvailable();
        return Optional.ofNullable(items.get(key));
    }

    /** Applies all operations or none; later operations see the effect of earlier ones on the same key. */
    public synchronized void apply(List<? extends StateOperation> operations) {
        checkAvailable();
        // key -> value after the operations so far; an empty Optional is a staged delete
        Map<String, Optional<StoredItem>> staged = new LinkedHashMap<>();
        for (StateOperation op : operations) {
            StoredItem current = staged.containsKey(op.key())
                    ? staged.get(op.key()).orElse(null)
                    : items.get(op.key());
            long expected = op.hasEtag() ? parseEtag(op.etag()) : 0;
            if (op instanceof StateOperation.Upsert upsert) {
                if (current != null && op.hasEtag() && current.version() != expected) {
                    throw mismatch("failed to set key " + op.key());
                }
                if (current != null && !op.hasEtag() && op.concurrency() == Concurrency.FIRST_WRITE) {
                    throw new StateException(StateException.Kind.WRITE_CONFLICT, "failed to set key " + op.key()
                            + ": first-write concurrency without an ETag, and the key exists");
                }
                long version = current == null ? 1 : current.version() + 1;
                staged.put(op.key(), Optional.of(new StoredItem(upsert.value().clone(), version)));
            } else {
                if (current != null && op.hasEtag() && current.version() != expected) {
                    throw mismatch("failed to delete " + op.key());
                }
                staged.put(op.key(), Optional.empty());
            }
        }
        staged.forEach((key, value) -> value.ifPresentOrElse(item -> items.put(key, item), () -> items.remove(key)));
    }

    public synchronized Map<String, StoredItem> snapshot() {
        return new LinkedHashMap<>(items);
    }

    public synchronized void restore(Map<String, StoredItem> content) {
        items.clear();
        items.putAll(content);
    }

    public synchronized void clear() {
        items.clear();
        unavailable = false;
    }

    private void checkAvailable() {
        if (unavailable) {
            throw new StateException(StateException.Kind.UNAVAILABLE,
                    "state store " + name() + " is unavailable: connection refused (fault injected by the Dapr sidecar double)");
        }
    }

    private static long parseEtag(String etag) {
        try {
            return Long.parseLong(etag);
        } catch (NumberFormatException e) {
            throw new StateException(StateException.Kind.ETAG_INVALID,
                    "invalid etag value: strconv.ParseInt: parsing \"" + etag + "\": invalid syntax");
        }
    }

    private static StateException mismatch(String detail) {
        return new StateException(StateException.Kind.ETAG_MISMATCH, "possible etag mismatch. error from state store: " + detail);
    }
}
