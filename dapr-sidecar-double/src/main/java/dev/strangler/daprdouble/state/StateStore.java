package dev.strangler.daprdouble.state;

import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.OutboxSettings;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One in-memory state store component with the write rules of components-contrib
 * {@code state/postgresql/v2/postgresql.go} (doSet, doDelete, Multi):
 * <ul>
 *   <li>every write gives the key a new random UUID as ETag;</li>
 *   <li>a write with an ETag is an UPDATE of a live key with that ETag: a malformed ETag, another ETag or an absent
 *       key is ETAG_MISMATCH (a write with an ETag never creates a key);</li>
 *   <li>without an ETag, first-write is an insert that fails with "no item was updated" on a live key
 *       (WRITE_CONFLICT), inside a transaction too; last-write overwrites;</li>
 *   <li>a delete with an ETag must match (absent key: ETAG_MISMATCH); without one it always succeeds;</li>
 *   <li>a transaction runs in a database transaction: the first failing operation rolls back all of them.</li>
 * </ul>
 * Every call holds the store's monitor, so a transaction is atomic and isolated.
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

    /** Applies all operations or none; later operations see the effect of earlier ones, as inside one transaction. */
    public synchronized void apply(List<? extends StateOperation> operations) {
        checkAvailable();
        // key -> value after the operations so far; an empty Optional is a staged delete
        Map<String, Optional<StoredItem>> staged = new LinkedHashMap<>();
        for (StateOperation op : operations) {
            StoredItem current = staged.containsKey(op.key())
                    ? staged.get(op.key()).orElse(null)
                    : items.get(op.key());
            if (op.hasEtag()) {
                UUID expected = parseEtag(op.etag());
                if (current == null || !expected.equals(UUID.fromString(current.etag()))) {
                    throw new StateException(StateException.Kind.ETAG_MISMATCH, MISMATCH);
                }
            }
            if (op instanceof StateOperation.Upsert upsert) {
                if (current != null && !op.hasEtag() && op.concurrency() == Concurrency.FIRST_WRITE) {
                    throw new StateException(StateException.Kind.WRITE_CONFLICT, "no item was updated");
                }
                staged.put(op.key(), Optional.of(new StoredItem(upsert.value().clone(), UUID.randomUUID().toString())));
            } else {
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

    /** state.ETagError's text for a mismatch without a wrapped error. */
    private static final String MISMATCH = "possible etag mismatch. error from state store";

    /** google/uuid Parse, whose failure postgres v2 reports as an ETag mismatch wrapping the parse error. */
    static UUID parseEtag(String etag) {
        String s = etag;
        switch (s.length()) {
            case 36 -> { }
            case 45 -> {
                if (!s.toLowerCase(Locale.ROOT).startsWith("urn:uuid:")) {
                    throw new StateException(StateException.Kind.ETAG_MISMATCH,
                            MISMATCH + ": invalid urn prefix: \"" + s.substring(0, 9) + "\"");
                }
                s = s.substring(9);
            }
            case 38 -> {
                if (s.charAt(0) != '{' || s.charAt(37) != '}') {
                    throw new StateException(StateException.Kind.ETAG_MISMATCH, MISMATCH + ": invalid UUID format");
                }
                s = s.substring(1, 37);
            }
            case 32 -> s = s.substring(0, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16) + "-"
                    + s.substring(16, 20) + "-" + s.substring(20);
            default -> throw new StateException(StateException.Kind.ETAG_MISMATCH,
                    MISMATCH + ": invalid UUID length: " + etag.length());
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHex(c)) {
                throw new StateException(StateException.Kind.ETAG_MISMATCH, MISMATCH + ": invalid UUID format");
            }
        }
        return UUID.fromString(s);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
