package dev.strangler.legacy.orders;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Remembers which order each Idempotency-Key created, and for which request. Keys are kept as long as the order. */
@Repository
class IdempotencyRepository {

    record Entry(String fingerprint, long orderId) {
    }

    private final JdbcClient jdbc;

    IdempotencyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Entry> find(IdempotencyKey key) {
        return jdbc.sql("SELECT request_fingerprint, order_id FROM idempotency_keys WHERE idempotency_key = ?")
                .param(key.value())
                .query((rs, n) -> new Entry(rs.getString(1), rs.getLong(2)))
                .optional();
    }

    /** Throws {@code DuplicateKeyException} when a concurrent request with the same key committed first. */
    void insert(IdempotencyKey key, String fingerprint, long orderId, Instant at) {
        jdbc.sql("INSERT INTO idempotency_keys (idempotency_key, request_fingerprint, order_id, created_at) VALUES (?, ?, ?, ?)")
                .params(key.value(), fingerprint, orderId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .update();
    }
}
