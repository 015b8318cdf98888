package dev.strangler.daprdouble.pubsub;

/**
 * Test switch: when enabled, up to {@code window} due deliveries per app are taken together, shuffled and sent
 * concurrently, each after a random delay of up to {@code maxDelayMillis}, so consumers see events out of order.
 */
public record ReorderSettings(boolean enabled, int window, long maxDelayMillis) {

    public static ReorderSettings off() {
        return new ReorderSettings(false, 1, 0);
    }

    public static ReorderSettings on(int window, long maxDelayMillis) {
        return new ReorderSettings(true, window, maxDelayMillis);
    }

    public ReorderSettings {
        if (window < 1 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("window must be >= 1 and maxDelayMillis >= 0");
        }
    }
}
