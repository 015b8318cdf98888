package dev.strangler.orders.state;

import java.util.Optional;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;

import org.springframework.stereotype.Component;

/**
 * Hands out order ids from {@code idFloor} (1,000,000,000) upwards, from a counter key in the state store guarded by
 * its ETag, so that several instances never hand out the same id and the monolith's ids (below the floor) never
 * collide with ours. The counter is written with {@code saveState}, which Dapr's outbox does not publish.
 */
@Component
public class OrderIdAllocator {

    static final String COUNTER_KEY = "order-id-counter";
    private static final int MAX_ATTEMPTS = 100;

    private final DaprState state;
    private final String store;
    private final long floor;
    private final OrdersProperties properties;

    OrderIdAllocator(DaprState state, OrdersProperties properties) {
        this.state = state;
        this.store = properties.stateStore();
        this.floor = properties.idFloor();
        this.properties = properties;
    }

    /** Serialised in this instance so that its own requests do not race each other for the ETag. */
    public synchronized long next() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<Long>> current = state.get(store, COUNTER_KEY, Long.class);
            try {
                if (current.isEmpty()) {
                    if (state.insertIfAbsent(store, COUNTER_KEY, floor)) {
                        return floor;
                    }
                    continue;
                }
                long next = current.get().value() + 1;
                state.replace(store, COUNTER_KEY, next, current.get().etag());
                return next;
            } catch (StateConflictException anotherInstanceWasFaster) {
                // Re-read and try the next id.
            }
        }
        throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                "Could not allocate an order id under contention; try again", properties.retryAfter(), null);
    }

    /** The highest id handed out so far, or {@code idFloor - 1} before the first. */
    public long highest() {
        return state.get(store, COUNTER_KEY, Long.class).map(Versioned::value).orElse(floor - 1);
    }

    /** The id {@link #next()} would most likely hand out, without using it up (for dry runs). */
    public long peek() {
        return state.get(store, COUNTER_KEY, Long.class).map(counter -> counter.value() + 1).orElse(floor);
    }
}
