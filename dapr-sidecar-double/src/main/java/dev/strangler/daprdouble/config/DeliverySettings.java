package dev.strangler.daprdouble.config;

import java.time.Duration;

/**
 * How the double delivers subscribed events.
 *
 * @param maxAttempts        failed answers (non-2xx, RETRY) before the event goes to the dead-letter topic, or is dropped
 * @param initialBackoff     wait before the first retry; doubles on each retry up to {@code maxBackoff}
 * @param maxBackoff         upper bound of the retry wait
 * @param subscribeRefresh   how often {@code GET /dapr/subscribe} is asked again once the app answered
 * @param concurrency        deliveries in flight per app at once (1 keeps publish order unless reordering is on)
 */
public record DeliverySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                               Duration subscribeRefresh, int concurrency) {

    public static DeliverySettings defaults() {
        return new DeliverySettings(20, Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(5), 1);
    }

    public DeliverySettings {
        if (maxAttempts < 1 || concurrency < 1) {
            throw new IllegalArgumentException("maxAttempts and concurrency must be at least 1");
        }
    }

    public Duration backoff(int failedAttempts) {
        long millis = initialBackoff.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
