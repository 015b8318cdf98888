package dev.strangler.daprdouble.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Dapr component as declared in a resources-path YAML file. The double only needs the name, the type,
 * the scopes and the plain metadata values; connection settings such as {@code redisHost} are read but unused.
 */
public record ComponentSpec(String name, String type, Map<String, String> metadata, List<String> scopes) {

    public ComponentSpec {
        metadata = Map.copyOf(metadata);
        scopes = List.copyOf(scopes);
    }

    public boolean isStateStore() {
        return type.startsWith("state.");
    }

    public boolean isPubsub() {
        return type.startsWith("pubsub.");
    }

    /** Like daprd, an app outside a non-empty scopes list does not see the component at all. */
    public boolean visibleTo(String appId) {
        return scopes.isEmpty() || scopes.contains(appId);
    }

    /** daprd enables the outbox only when both outboxPublishPubsub and outboxPublishTopic are set. */
    public Optional<OutboxSettings> outbox() {
        String pubsub = metadata.getOrDefault("outboxPublishPubsub", "");
        String topic = metadata.getOrDefault("outboxPublishTopic", "");
        if (!isStateStore() || pubsub.isEmpty() || topic.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OutboxSettings(pubsub, topic));
    }
}
