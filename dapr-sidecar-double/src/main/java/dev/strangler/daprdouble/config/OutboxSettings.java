package dev.strangler.daprdouble.config;

/**
 * The outbox metadata of a state store component (pkg/runtime/pubsub/outbox.go AddOrUpdateOutbox): where committed
 * upserts are published, which pub/sub carries the internal messages ({@code outboxPubsub}, by default the publish
 * one), and whether a message whose marker never appears is dropped ({@code outboxDiscardWhenMissingState}).
 */
public record OutboxSettings(String publishPubsub, String publishTopic, String outboxPubsub, boolean discardWhenMissingState) {

    /** The internal topic: {@code namespace + appId + topic + "outbox"}; self-hosted, the namespace is empty. */
    public String internalTopic(String appId) {
        return appId + publishTopic + "outbox";
    }
}
