package dev.strangler.orders.state;

import dev.strangler.orders.order.Order;

/** An order as kept in the state store, with the system its last change came from. */
public record StoredOrder(Order order, String source) {
}
