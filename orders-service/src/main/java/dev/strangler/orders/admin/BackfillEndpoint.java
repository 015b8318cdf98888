package dev.strangler.orders.admin;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/backfill} reports progress; {@code POST /actuator/backfill} starts (or resumes) a run, with
 * {@code {"fromStart": true}} to start over from the first monolith order.
 */
@Component
@Endpoint(id = "backfill")
class BackfillEndpoint {

    private final Backfill backfill;

    BackfillEndpoint(Backfill backfill) {
        this.backfill = backfill;
    }

    @ReadOperation
    BackfillProgress progress() {
        return backfill.progress();
    }

    @WriteOperation
    BackfillProgress start(@Nullable Boolean fromStart) {
        return backfill.start(Boolean.TRUE.equals(fromStart));
    }
}
