package dev.strangler.orders.order;

/** The order a create request resolved to, and whether this request created it or replayed an earlier one. */
public record CreateOutcome(Order order, boolean created) {
}
