package dev.strangler.orders.sync;

import java.util.Optional;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;
import dev.strangler.orders.order.Order;
import dev.strangler.orders.order.OrderEvent;
import dev.strangler.orders.state.OrderIndex;
import dev.strangler.orders.state.OrderStore;
import dev.strangler.orders.state.StateConflictException;
import dev.strangler.orders.state.StoredOrder;
import dev.strangler.orders.state.Versioned;

import org.springframework.stereotype.Component;

/**
 * Copies orders that originated in the monolith (its sync events, and the backfill's pages) with plain
 * {@code saveState} (never the outbox transaction), so a copy is never published back. It reads first: an unknown
 * order is inserted under first-write, a newer version replaces the stored one guarded by the ETag it read, and an
 * equal or older one changes nothing, so a copy never reverts a change this service already holds.
 */
@Component
public class LegacyEventApplier {

    public enum Outcome { INSERTED, UPDATED, STALE }

    private static final int MAX_ATTEMPTS = 50;

    private final OrderStore store;
    private final OrderIndex index;
    private final OrdersProperties properties;

    LegacyEventApplier(OrderStore store, OrderIndex index, OrdersProperties properties) {
        this.store = store;
        this.index = index;
        this.properties = properties;
    }

    public Outcome apply(OrderEvent event) {
        return copy(event.order(), event.source());
    }

    public Outcome copy(Order order, String source) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<StoredOrder>> current = store.find(order.id());
            try {
                if (current.isEmpty()) {
                    if (store.insertIfAbsent(order, source)) {
                        index.add(order);
                        return Outcome.INSERTED;
                    }
                    continue;
                }
                if (order.version() <= current.get().value().order().version()) {
                    return Outcome.STALE;
                }
                store.replace(order, source, current.get().etag());
                return Outcome.UPDATED;
            } catch (StateConflictException changedMeanwhile) {
                // Another delivery or a local cancel won the race: compare versions again.
            }
        }
        throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                "Order %d kept changing while an event was applied".formatted(order.id()), properties.retryAfter(), null);
    }
}
