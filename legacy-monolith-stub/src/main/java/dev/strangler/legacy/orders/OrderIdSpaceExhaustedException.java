package dev.strangler.legacy.orders;

import dev.strangler.legacy.error.ApiException;
import dev.strangler.legacy.error.ProblemType;

/** The monolith's order sequence reached the range that belongs to orders-service. */
public class OrderIdSpaceExhaustedException extends ApiException {

    private final long nextId;

    public OrderIdSpaceExhaustedException(long nextId) {
        super(ProblemType.ORDER_IDS_EXHAUSTED, ("The order id sequence 'order_id_seq' has reached %d; ids from %d "
                + "upwards belong to orders-service, so the monolith cannot create orders").formatted(nextId, OrderIds.FLOOR));
        this.nextId = nextId;
    }

    public long nextId() {
        return nextId;
    }
}
