package dev.strangler.legacy.sync;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.legacy.orders.Order;
import dev.strangler.legacy.orders.OrderChangeListener;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The table of order changes not yet published. {@link #orderChanged} runs inside the transaction of the change, so
 * a change and its event commit together or not at all.
 */
@Repository
class OrderEventOutbox implements OrderChangeListener {

    record Row(long seq, String eventId, long orderId, String payload) {
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    OrderEventOutbox(JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void orderChanged(Order order) {
        OrderEvent event = OrderEvent.ofChange(order, clock.instant());
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write order event as JSON", e);
        }
        jdbc.sql("INSERT INTO order_events_outbox (event_id, order_id, payload, created_at) VALUES (?, ?, ?, ?)")
                .params(event.eventId(), order.id(), payload, OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC))
                .update();
    }

    List<Row> oldest(int limit) {
        return jdbc.sql("SELECT seq, event_id, order_id, payload FROM order_events_outbox ORDER BY seq LIMIT ?")
                .param(limit)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
                .list();
    }

    void delete(long seq) {
        jdbc.sql("DELETE FROM order_events_outbox WHERE seq = ?").param(seq).update();
    }

    long pending() {
        return jdbc.sql("SELECT COUNT(*) FROM order_events_outbox").query(Long.class).single();
    }
}
