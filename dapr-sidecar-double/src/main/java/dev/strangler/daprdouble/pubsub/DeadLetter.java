package dev.strangler.daprdouble.pubsub;

import java.time.Instant;

/**
 * A message an app did not take: dropped (DROP, 404) or out of attempts. {@code forwardedTo} names the
 * dead-letter topic it was published to, or is null when the subscription has none and the message was dropped.
 */
public record DeadLetter(String appId, String pubsubName, String topic, String eventId, String reason, int attempts,
                         String forwardedTo, Instant at, String cloudEvent) {
}
