package dev.strangler.daprdouble.pubsub;

import java.time.Instant;

/**
 * One message on the broker. {@code seq} is the broker's own unique number (a CloudEvent id is not unique:
 * a dead-lettered message keeps its id); {@code cloudEvent} is the exact JSON delivered to subscribers.
 */
public record StoredEvent(long seq, String pubsubName, String topic, String cloudEvent, Instant publishedAt) {

    public TopicKey topicKey() {
        return new TopicKey(pubsubName, topic);
    }
}
