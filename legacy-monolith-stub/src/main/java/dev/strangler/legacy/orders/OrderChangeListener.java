package dev.strangler.legacy.orders;

/**
 * Told about every order change made through this monolith's API (not seeds, not changes applied from
 * orders-service), inside the change's transaction.
 */
public interface OrderChangeListener {

    void orderChanged(Order order);
}
