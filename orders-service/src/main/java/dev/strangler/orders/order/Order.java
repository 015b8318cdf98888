package dev.strangler.orders.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import dev.strangler.orders.json.Money;

/** An order as the API shows it; the field order is the JSON field order of the contract. */
public record Order(long id, long customerId, List<OrderItem> items, BigDecimal total, OrderStatus status,
                    Instant createdAt, long version) {

    public Order {
        items = List.copyOf(items);
        total = Money.of(total);
    }

    /** The same order, cancelled: the next version, every other field unchanged. */
    public Order cancelled() {
        return new Order(id, customerId, items, total, OrderStatus.CANCELLED, createdAt, version + 1);
    }

    public static BigDecimal totalOf(List<OrderItem> items) {
        return Money.of(items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
    }
}
