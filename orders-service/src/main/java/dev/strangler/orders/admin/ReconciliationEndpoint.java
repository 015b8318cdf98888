package dev.strangler.orders.admin;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/** {@code GET /actuator/reconciliation}: compares the monolith's orders with orders-service's, now. */
@Component
@Endpoint(id = "reconciliation")
class ReconciliationEndpoint {

    private final Reconciler reconciler;

    ReconciliationEndpoint(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @ReadOperation
    ReconciliationReport report() {
        return reconciler.reconcile();
    }
}
