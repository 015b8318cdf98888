package dev.strangler.orders.order;

/** Which system a change originated in. Each side publishes only its own changes, so applied events never loop. */
public final class OrderSource {

    public static final String ORDERS_SERVICE = "orders-service";
    public static final String LEGACY_MONOLITH = "legacy-monolith";

    private OrderSource() {
    }
}
