package dev.strangler.daprdouble.pubsub;

import java.util.List;

/** What a restart of the double must not lose: every message, which app owes which, and the dead letters. */
public record BrokerSnapshot(long lastSeq, List<StoredEvent> events, List<Group> groups, List<Pending> pending,
                             List<DeadLetter> deadLetters) {

    /** A consumer group: app-id reading a topic (Redis streams keep one per app and topic). */
    public record Group(String appId, String pubsubName, String topic) {
    }

    /** A message not yet acknowledged by an app, with the failed attempts so far. */
    public record Pending(String appId, long seq, int attempts) {
    }

    public static BrokerSnapshot empty() {
        return new BrokerSnapshot(0, List.of(), List.of(), List.of(), List.of());
    }
}
