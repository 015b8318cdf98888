package dev.strangler.orders.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.order.IdempotencyKey;
import dev.strangler.orders.order.Order;

import org.springframework.stereotype.Component;

/**
 * Remembers which order each Idempotency-Key created, in {@code indexstore} (no outbox). The record is written
 * first-write-wins before the order, and holds the whole order, so that a request that finds a record whose order
 * is not stored yet (the creating request is in flight, or crashed) can wait for it or complete it with the same id.
 * Keys are stored hashed: a client's key may contain {@code ||}, which Dapr refuses in state keys.
 */
@Component
public class IdempotencyStore {

    /** The request fingerprint and the order the key stands for. */
    public record Reservation(String fingerprint, Order order) {
    }

    private final DaprState state;
    private final String store;

    IdempotencyStore(DaprState state, OrdersProperties properties) {
        this.state = state;
        this.store = properties.indexStore();
    }

    public Optional<Reservation> find(IdempotencyKey key) {
        return state.get(store, key(key), Reservation.class).map(Versioned::value);
    }

    /** True if this request now owns the key; false if another request reserved it first. */
    public boolean reserve(IdempotencyKey key, Reservation reservation) {
        return state.insertIfAbsent(store, key(key), reservation);
    }

    private static String key(IdempotencyKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.value().getBytes(StandardCharsets.UTF_8));
            return "idempotency-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("Every Java runtime has SHA-256", impossible);
        }
    }
}
