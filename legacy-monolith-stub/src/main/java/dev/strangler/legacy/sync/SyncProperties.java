package dev.strangler.legacy.sync;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Two-way sync with orders-service through Dapr. Where the sidecar listens comes from the Dapr SDK's own settings
 * ({@code DAPR_GRPC_PORT}, {@code DAPR_HTTP_PORT}).
 *
 * @param publish        whether order changes made here are published (the outbox table fills regardless)
 * @param pubsub         Dapr pub/sub component
 * @param topic          topic this monolith publishes its own changes on
 * @param pollInterval   how often the publisher looks for unpublished changes when idle
 * @param maxBackoff     longest wait between publish attempts while the sidecar is unreachable
 * @param batchSize      outbox rows published per round
 */
@ConfigurationProperties("legacy.sync")
public record SyncProperties(
        @DefaultValue("true") boolean publish,
        @DefaultValue("pubsub") String pubsub,
        @DefaultValue("legacy-orders") String topic,
        @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue("100") int batchSize) {
}
