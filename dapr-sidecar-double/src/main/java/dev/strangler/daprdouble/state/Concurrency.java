package dev.strangler.daprdouble.state;

/** Dapr's state concurrency modes. Unspecified behaves as last-write. */
public enum Concurrency {
    FIRST_WRITE,
    LAST_WRITE
}
