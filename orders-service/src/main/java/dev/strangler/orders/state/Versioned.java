package dev.strangler.orders.state;

/** A value read from a state store with the ETag that guards the next write of it. */
public record Versioned<T>(T value, String etag) {
}
