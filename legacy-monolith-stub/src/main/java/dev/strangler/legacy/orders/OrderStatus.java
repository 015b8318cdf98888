package dev.strangler.legacy.orders;

public enum OrderStatus {
    CREATED,
    CANCELLED
}
