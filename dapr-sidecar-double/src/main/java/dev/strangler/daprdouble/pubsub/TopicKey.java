package dev.strangler.daprdouble.pubsub;

/** A topic within a pubsub component. */
public record TopicKey(String pubsubName, String topic) {

    @Override
    public String toString() {
        return pubsubName + "/" + topic;
    }
}
