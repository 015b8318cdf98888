package dev.strangler.daprdouble.state;

/** A value as the store holds it. The version is the ETag, as state.redis does it: "1" on create, +1 per write. */
public record StoredItem(byte[] data, long version) {

    public String etag() {
        return Long.toString(version);
    }
}
