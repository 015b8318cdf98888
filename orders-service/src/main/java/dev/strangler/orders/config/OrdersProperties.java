package dev.strangler.orders.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of orders-service. The app names Dapr components and app-ids only; where the sidecar listens comes from
 * the Dapr SDK's own settings ({@code DAPR_GRPC_PORT}, {@code DAPR_HTTP_PORT}, {@code DAPR_SIDECAR_IP}).
 *
 * @param stateStore      state store holding the orders; its component has the outbox metadata
 * @param indexStore      state store for listing indexes, idempotency keys and sync bookkeeping; no outbox
 * @param pubsub          pub/sub component of the sync topics
 * @param legacyAppId     Dapr app-id of the monolith (read-through, catalog, backfill, reconciliation)
 * @param idFloor         the first id orders-service may allocate; the monolith stays below it
 * @param catalogTtl      how long the monolith's customers and products are cached
 * @param sidecarTimeout  how long one call to the sidecar may take
 * @param retryAfter      the {@code Retry-After} given with a 503
 * @param syncPageSize    orders per page when backfill and reconciliation page through the monolith
 */
@ConfigurationProperties("orders")
public record OrdersProperties(
        @DefaultValue("statestore") String stateStore,
        @DefaultValue("indexstore") String indexStore,
        @DefaultValue("pubsub") String pubsub,
        @DefaultValue("legacy-monolith") String legacyAppId,
        @DefaultValue("1000000000") long idFloor,
        @DefaultValue("30s") Duration catalogTtl,
        @DefaultValue("10s") Duration sidecarTimeout,
        @DefaultValue("2s") Duration retryAfter,
        @DefaultValue("100") int syncPageSize) {

    public OrdersProperties {
        if (syncPageSize < 1 || syncPageSize > 500) {
            throw new IllegalArgumentException("orders.sync-page-size must be between 1 and 500, got " + syncPageSize);
        }
    }
}
