package dev.strangler.orders.order;

import java.time.Instant;
import java.util.UUID;

/**
 * The sync event both systems publish for an order change: {@code orders-service} on topic {@code orders} through
 * the Dapr outbox, {@code legacy-monolith} on topic {@code legacy-orders}. {@code version} is the order's version
 * after the change; a subscriber applies an event only if it is newer than what it holds.
 */
public record OrderEvent(String eventId, String type, String source, long version, Order order, Instant occurredAt) {

    public static final String ORDER_CREATED = "OrderCreated";
    public static final String ORDER_CANCELLED = "OrderCancelled";

    public static OrderEvent of(Order order, String source, Instant occurredAt) {
        String type = order.status() == OrderStatus.CANCELLED ? ORDER_CANCELLED : ORDER_CREATED;
        return new OrderEvent(UUID.randomUUID().toString(), type, source, order.version(), order, occurredAt);
    }
}
