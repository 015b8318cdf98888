package dev.strangler.orders.state;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.order.Order;
import dev.strangler.orders.order.OrderEvent;
import dev.strangler.orders.order.OrderSource;

import org.springframework.stereotype.Component;

/**
 * Orders in the Dapr state store {@code statestore}, one key per order. Changes made here run as a state transaction
 * holding the order plus an {@code outbox.projection} on the same key, so Dapr's outbox publishes exactly one
 * {@link OrderEvent} per committed change. Orders copied from the monolith (read-through, backfill, sync) are written
 * with plain {@code saveState}, which the outbox ignores, so they are never published back.
 */
@Component
public class OrderStore {

    private final DaprState state;
    private final String store;
    private final Clock clock;

    OrderStore(DaprState state, OrdersProperties properties, Clock clock) {
        this.state = state;
        this.store = properties.stateStore();
        this.clock = clock;
    }

    public static String key(long id) {
        return "order-" + id;
    }

    public Optional<Versioned<StoredOrder>> find(long id) {
        return state.get(store, key(id), StoredOrder.class);
    }

    /** The orders among {@code ids} that exist, in the order of {@code ids}. */
    public List<StoredOrder> findAll(List<Long> ids) {
        return List.copyOf(state.getBulk(store, ids.stream().map(OrderStore::key).toList(), StoredOrder.class).values());
    }

    /** Stores a new order and publishes OrderCreated; {@link StateConflictException} if the id is taken. */
    public void create(Order order) {
        publishChange(order, null);
    }

    /** Stores the change if the order's ETag is still {@code etag}, and publishes it; else {@link StateConflictException}. */
    public void change(Order order, String etag) {
        publishChange(order, etag);
    }

    /** Copies an order that originated elsewhere, only if absent; no event. False when the id is already present. */
    public boolean insertIfAbsent(Order order, String source) {
        return state.insertIfAbsent(store, key(order.id()), new StoredOrder(order, source));
    }

    /** Overwrites with a newer version that originated elsewhere, if the ETag still holds; no event. */
    public void replace(Order order, String source, String etag) {
        state.replace(store, key(order.id()), new StoredOrder(order, source), etag);
    }

    private void publishChange(Order order, String etag) {
        String key = key(order.id());
        OrderEvent event = OrderEvent.of(order, OrderSource.ORDERS_SERVICE, clock.instant());
        state.transact(store, List.of(
                state.guardedUpsert(key, new StoredOrder(order, OrderSource.ORDERS_SERVICE), etag),
                state.projection(key, event)));
    }
}
