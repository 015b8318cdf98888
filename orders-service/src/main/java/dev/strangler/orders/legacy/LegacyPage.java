package dev.strangler.orders.legacy;

import java.util.List;

import dev.strangler.orders.order.Order;

/** One keyset page of the monolith's orders, by ascending id; {@code nextAfterId} is null after the last page. */
public record LegacyPage(List<Order> orders, Long nextAfterId) {

    public LegacyPage {
        orders = List.copyOf(orders);
    }
}
