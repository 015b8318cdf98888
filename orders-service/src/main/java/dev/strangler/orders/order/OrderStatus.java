package dev.strangler.orders.order;

public enum OrderStatus {
    CREATED,
    CANCELLED
}
