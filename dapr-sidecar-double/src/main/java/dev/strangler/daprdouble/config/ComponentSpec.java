package dev.strangler.daprdouble.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * One Dapr component as declared in a resources-path YAML file. The double only needs the name, the type and version,
 * the scopes and the plain metadata values; connection settings such as {@code connectionString} are read but unused.
 */
public record ComponentSpec(String name, String type, String version, Map<String, String> metadata, List<String> scopes) {

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
        String outboxPubsub = metadata.getOrDefault("outboxPubsub", "");
        return Optional.of(new OutboxSettings(pubsub, topic, outboxPubsub.isEmpty() ? pubsub : outboxPubsub,
                TRUTHY.contains(metadata.getOrDefault("outboxDiscardWhenMissingState", "").toLowerCase(Locale.ROOT))));
    }

    /** A pubsub.redis duration setting: a bare number is milliseconds (components-contrib common/component/redis). */
    public Duration durationSetting(String key, Duration defaultValue) {
        String value = metadata.getOrDefault(key, "");
        if (value.isEmpty()) {
            return defaultValue;
        }
        return value.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(value)) : GoDuration.parse(value);
    }

    /** dapr/kit strings.IsTruthy. */
    public static final Set<String> TRUTHY = Set.of("y", "yes", "true", "t", "on", "1");
}
