package dev.strangler.legacy.db;

import dev.strangler.legacy.orders.OrderIds;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains the refusal to start in Spring Boot's "APPLICATION FAILED TO START" report: what happened, what to do. */
class OrderIdFloorFailureAnalyzer extends AbstractFailureAnalyzer<OrderIdFloorReachedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, OrderIdFloorReachedException cause) {
        String description = ("The legacy monolith's order id sequence 'order_id_seq' (database %s) would hand out "
                + "id %d. The monolith only allocates ids below %d; ids from there on are allocated by orders-service, "
                + "so starting would risk two different orders with the same id.")
                .formatted(cause.databaseFile(), cause.nextId(), OrderIds.FLOOR);
        String action = ("Route order creation (POST /api/orders) to orders-service in gateway-app/config/routes.yaml "
                + "(stage: migrated). If the sequence was advanced by mistake and no order id at or above %d came from "
                + "the monolith, stop the monolith and lower the sequence with the H2 shell: "
                + "ALTER SEQUENCE order_id_seq RESTART WITH <highest monolith order id + 1>. "
                + "Never point the monolith at a fresh data directory to get around this: orders would be lost.")
                .formatted(OrderIds.FLOOR);
        return new FailureAnalysis(description, action, cause);
    }
}
