package dev.strangler.legacy.db;

import java.nio.file.Path;

import dev.strangler.legacy.orders.OrderIds;

/** Refuses start-up: the monolith's order sequence has reached the ids that belong to orders-service. */
public class OrderIdFloorReachedException extends RuntimeException {

    private final long nextId;
    private final Path databaseFile;

    OrderIdFloorReachedException(long nextId, Path databaseFile) {
        super(("Refusing to start: the order id sequence 'order_id_seq' in %s would hand out %d, but ids from %d "
                + "upwards belong to orders-service. Orders must now be created by orders-service; see the "
                + "legacy-monolith-stub README, section 'Order ids'.").formatted(databaseFile, nextId, OrderIds.FLOOR));
        this.nextId = nextId;
        this.databaseFile = databaseFile;
    }

    public long nextId() {
        return nextId;
    }

    public Path databaseFile() {
        return databaseFile;
    }
}
