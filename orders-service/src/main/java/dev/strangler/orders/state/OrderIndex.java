package dev.strangler.orders.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;
import dev.strangler.orders.order.Order;

import org.springframework.stereotype.Component;

/**
 * The listing index: one entry (id, customer, creation time) per order, in the {@code indexstore} component, which
 * has no outbox, so index writes never become events. {@code state.postgresql} v2 has no query API, so
 * listing reads this index, sorts and pages it, then bulk-reads the page's orders. It can be rebuilt from the orders
 * ({@link #add} is idempotent).
 *
 * <p>The index is a single key guarded by its ETag, which is simple and consistent across instances and fine for
 * tens of thousands of orders; a bigger store would shard it (for example by month of creation).
 */
@Component
public class OrderIndex {

    static final String KEY = "orders-index";
    private static final int MAX_ATTEMPTS = 100;

    /** One indexed order; the field names are short because the whole index is rewritten on every change. */
    public record Entry(long id, long c, long t) {

        static Entry of(Order order) {
            return new Entry(order.id(), order.customerId(), order.createdAt().toEpochMilli());
        }

        public long customerId() {
            return c;
        }

        public Instant createdAt() {
            return Instant.ofEpochMilli(t);
        }
    }

    record Document(List<Entry> entries) {
    }

    /** Newest first: by creation time, then by id, as the monolith lists them. */
    public static final Comparator<Entry> NEWEST_FIRST =
            Comparator.comparingLong(Entry::t).thenComparingLong(Entry::id).reversed();

    private final DaprState state;
    private final String store;
    private final OrdersProperties properties;

    OrderIndex(DaprState state, OrdersProperties properties) {
        this.state = state;
        this.store = properties.indexStore();
        this.properties = properties;
    }

    public List<Entry> entries() {
        return state.get(store, KEY, Document.class).map(doc -> doc.value().entries()).orElse(List.of());
    }

    /** Adds the orders not indexed yet; serialised per instance, ETag-guarded across instances. */
    public synchronized void add(Collection<Order> orders) {
        if (orders.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<Document>> current = state.get(store, KEY, Document.class);
            List<Entry> entries = new ArrayList<>(current.map(doc -> doc.value().entries()).orElse(List.of()));
            Set<Long> indexed = new HashSet<>();
            entries.forEach(entry -> indexed.add(entry.id()));
            boolean changed = false;
            for (Order order : orders) {
                if (indexed.add(order.id())) {
                    entries.add(Entry.of(order));
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
            try {
                if (current.isEmpty()) {
                    if (state.insertIfAbsent(store, KEY, new Document(entries))) {
                        return;
                    }
                } else {
                    state.replace(store, KEY, new Document(entries), current.get().etag());
                    return;
                }
            } catch (StateConflictException anotherInstanceWasFaster) {
                // Re-read and merge again.
            }
        }
        throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                "Could not update the listing index under contention; try again", properties.retryAfter(), null);
    }

    public void add(Order order) {
        add(List.of(order));
    }
}
