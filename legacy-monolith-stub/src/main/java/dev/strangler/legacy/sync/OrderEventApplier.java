package dev.strangler.legacy.sync;

import java.util.Optional;

import dev.strangler.legacy.orders.Order;
import dev.strangler.legacy.orders.OrderRepository;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies orders-service's order events to the monolith's tables: an unknown order is inserted (never refused, or
 * Dapr would drop it), a newer version replaces status and version, and a stale or duplicate one changes nothing.
 * Nothing applied here goes to the outbox, so it is never published back.
 */
@Component
class OrderEventApplier {

    enum Outcome { INSERTED, UPDATED, STALE }

    private final JdbcClient jdbc;
    private final OrderRepository orders;
    private final TransactionTemplate transaction;

    OrderEventApplier(JdbcClient jdbc, OrderRepository orders, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.orders = orders;
        this.transaction = transaction;
    }

    Outcome apply(OrderEvent event) {
        try {
            return transaction.execute(status -> applyInTransaction(event));
        } catch (DuplicateKeyException concurrentDelivery) {
            // The same order was inserted by a concurrent delivery of another event: compare versions again.
            return transaction.execute(status -> applyInTransaction(event));
        }
    }

    private Outcome applyInTransaction(OrderEvent event) {
        Order order = event.order();
        Optional<Long> held = jdbc.sql("SELECT version FROM orders WHERE id = ? FOR UPDATE").param(order.id())
                .query(Long.class).optional();
        if (held.isEmpty()) {
            orders.insert(order, event.source());
            return Outcome.INSERTED;
        }
        if (order.version() <= held.get()) {
            return Outcome.STALE;
        }
        jdbc.sql("UPDATE orders SET status = ?, version = ?, source = ? WHERE id = ?")
                .params(order.status().name(), order.version(), event.source(), order.id())
                .update();
        return Outcome.UPDATED;
    }
}
