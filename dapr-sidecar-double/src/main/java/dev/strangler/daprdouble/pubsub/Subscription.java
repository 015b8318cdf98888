package dev.strangler.daprdouble.pubsub;

/** One entry of an app's {@code GET /dapr/subscribe} answer, reduced to what delivery needs. */
public record Subscription(String pubsubName, String topic, String route, String deadLetterTopic) {

    public TopicKey topicKey() {
        return new TopicKey(pubsubName, topic);
    }

    public boolean hasDeadLetterTopic() {
        return deadLetterTopic != null && !deadLetterTopic.isEmpty();
    }
}
