package dev.strangler.gateway.shadow;

/**
 * Why a sampled request ended without a comparison, and which figure it counts toward. It travels as an error
 * through the reactive pipeline of one copy and never reaches the client.
 */
final class NotCompared extends RuntimeException {

    enum Outcome {
        /** Never sent: no free slot, or a request body too large to copy. */
        DROPPED,
        /** Sent, but no comparable answer: the shadow failed, timed out, or a body was too large. */
        FAILED,
        /** Nothing to compare against: the primary itself did not complete. Not a shadow figure. */
        SKIPPED
    }

    private final Outcome outcome;
    private final String reason;

    NotCompared(Outcome outcome, String reason) {
        this(outcome, reason, null);
    }

    NotCompared(Outcome outcome, String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.outcome = outcome;
        this.reason = reason;
    }

    Outcome outcome() {
        return outcome;
    }

    String reason() {
        return reason;
    }
}
