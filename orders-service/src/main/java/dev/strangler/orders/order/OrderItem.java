package dev.strangler.orders.order;

import java.math.BigDecimal;

import dev.strangler.orders.json.Money;

/** One line of an order, priced at the product's unit price when the order was placed. */
public record OrderItem(long productId, int quantity, BigDecimal unitPrice) {

    public OrderItem {
        unitPrice = Money.of(unitPrice);
    }

    BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
