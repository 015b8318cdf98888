package dev.strangler.daprdouble.pubsub;

/** One message still owed to one app. Mutated only under its dispatcher's lock. */
final class PendingDelivery {

    final long seq;
    final TopicKey topicKey;
    final long epoch;
    /** Failed attempts in the current run of the retry policy (a broker redelivery starts a new run). */
    int attempts;
    long firstAttemptAtMillis;
    long dueAtMillis;

    PendingDelivery(long seq, TopicKey topicKey, long epoch, int attempts) {
        this.seq = seq;
        this.topicKey = topicKey;
        this.epoch = epoch;
        this.attempts = attempts;
    }
}
