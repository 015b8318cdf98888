package dev.strangler.orders.health;

import java.time.Duration;

import io.dapr.client.DaprClient;
import io.dapr.client.domain.DaprMetadata;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness follows the sidecar: without it no order can be read or written, so the instance should get no traffic.
 * Asks the sidecar for its metadata over gRPC, the same channel state calls use, so it recovers when they do.
 */
@Component("dapr")
class DaprSidecarHealthIndicator implements HealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DaprClient dapr;

    DaprSidecarHealthIndicator(DaprClient dapr) {
        this.dapr = dapr;
    }

    @Override
    public Health health() {
        try {
            DaprMetadata metadata = dapr.getMetadata().block(TIMEOUT);
            return Health.up().withDetail("appId", metadata == null ? "" : metadata.getId()).build();
        } catch (RuntimeException unreachable) {
            return Health.down().withDetail("reason", "Dapr sidecar unreachable").build();
        }
    }
}
