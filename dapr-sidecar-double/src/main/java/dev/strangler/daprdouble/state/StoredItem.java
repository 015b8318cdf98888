package dev.strangler.daprdouble.state;

/** A value as the store holds it, with its ETag: a random UUID per write, as state.postgresql v2 makes them. */
public record StoredItem(byte[] data, String etag) {
}
