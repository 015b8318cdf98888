package dev.strangler.orders.order;

import java.util.List;

/**
 * The body of {@code POST /api/orders} as received. Every field is nullable here so that a missing one is reported
 * by {@link OrderDraft#from} with a message naming it, rather than by the JSON reader.
 */
public record CreateOrderRequest(Long customerId, List<Line> items) {

    public record Line(Long productId, Integer quantity) {
    }
}
