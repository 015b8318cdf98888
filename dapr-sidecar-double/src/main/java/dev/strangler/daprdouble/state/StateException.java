package dev.strangler.daprdouble.state;

/** A store refused an operation; the kind decides the gRPC code daprd would answer with. */
public final class StateException extends RuntimeException {

    public enum Kind {
        /** state.ETagMismatch (a wrong, malformed or absent-key ETag on postgres): Aborted, Internal inside a transaction. */
        ETAG_MISMATCH,
        /** First-write without an ETag on a live key: state.postgresql v2 fails with "no item was updated", so Internal. */
        WRITE_CONFLICT,
        /** The store cannot be reached (a fault injected through the test hooks). */
        UNAVAILABLE
    }

    private final Kind kind;

    public StateException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
