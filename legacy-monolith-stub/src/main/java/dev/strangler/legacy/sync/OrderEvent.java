package dev.strangler.legacy.sync;

import java.time.Instant;
import java.util.UUID;

import dev.strangler.legacy.orders.Order;
import dev.strangler.legacy.orders.OrderSource;
import dev.strangler.legacy.orders.OrderStatus;

/**
 * The sync event for an order change, the same shape orders-service publishes:
 * {@code {eventId, type, source, version, order, occurredAt}}. {@code version} is the order's version after the change.
 */
public record OrderEvent(String eventId, String type, String source, long version, Order order, Instant occurredAt) {

    public static OrderEvent ofChange(Order order, Instant occurredAt) {
        String type = order.status() == OrderStatus.CANCELLED ? "OrderCancelled" : "OrderCreated";
        return new OrderEvent(UUID.randomUUID().toString(), type, OrderSource.LEGACY_MONOLITH, order.version(), order, occurredAt);
    }
}
