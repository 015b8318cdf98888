package dev.strangler.daprdouble.pubsub;

/**
 * Test switch: a share of deliveries to one app fail on purpose.
 *
 * @param probability 0.0 to 1.0
 * @param mode        whether the app never sees the failed attempt, or sees it and its answer is lost
 */
public record DeliveryFault(double probability, Mode mode) {

    public enum Mode {
        /** The POST is not sent; counts as a failed attempt (as if the app answered 500). */
        FAIL_BEFORE_SEND,
        /** The POST is sent and processed, but the answer is treated as a failure, so the event comes again. */
        LOSE_ACK
    }

    public DeliveryFault {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be between 0 and 1, got " + probability);
        }
    }
}
