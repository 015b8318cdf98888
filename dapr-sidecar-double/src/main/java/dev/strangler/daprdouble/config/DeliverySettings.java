package dev.strangler.daprdouble.config;

/**
 * How the double delivers subscribed events. Retries are not set here: they come from the {@code kind: Resiliency}
 * resource in the resources path, as for daprd (none without one).
 *
 * @param concurrency deliveries in flight per app at once (1 keeps publish order unless reordering is on; pubsub.redis
 *                    runs {@code concurrency} workers, 10 by default, so real daprd delivers out of order)
 */
public record DeliverySettings(int concurrency) {

    public static DeliverySettings defaults() {
        return new DeliverySettings(1);
    }

    public DeliverySettings {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }
}
