package dev.strangler.daprdouble.state;

import java.util.Map;

/** One write against a store; {@code key} is the stored key, already prefixed with {@code appId||}. */
public sealed interface StateOperation {

    String key();

    /** Empty or null means "no ETag", exactly as daprd treats an empty Etag message. */
    String etag();

    Concurrency concurrency();

    Map<String, String> metadata();

    default boolean hasEtag() {
        return etag() != null && !etag().isEmpty();
    }

    record Upsert(String key, byte[] value, String etag, Concurrency concurrency, Map<String, String> metadata)
            implements StateOperation {
    }

    record Delete(String key, String etag, Concurrency concurrency, Map<String, String> metadata)
            implements StateOperation {
    }
}
