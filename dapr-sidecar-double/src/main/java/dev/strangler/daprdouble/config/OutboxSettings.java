package dev.strangler.daprdouble.config;

/** The outbox metadata of a state store component: where committed upserts are published. */
public record OutboxSettings(String publishPubsub, String publishTopic) {
}
