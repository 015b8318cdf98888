package dev.strangler.legacy.orders;

/** Who created an order. Synchronisation publishes only the changes that originate here. */
public final class OrderSource {

    public static final String LEGACY_MONOLITH = "legacy-monolith";

    private OrderSource() {
    }
}
