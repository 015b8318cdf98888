package dev.strangler.legacy.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import dev.strangler.legacy.json.Money;

/** An order as the API shows it; the field order is the JSON field order of the contract. */
public record Order(long id, long customerId, List<OrderItem> items, BigDecimal total, OrderStatus status,
                    Instant createdAt, long version) {

    public Order {
        items = List.copyOf(items);
        total = Money.of(total);
    }

    static BigDecimal totalOf(List<OrderItem> items) {
        return Money.of(items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
    }
}
