package dev.strangler.orders.admin;

import java.time.Instant;

/**
 * Where the backfill stands. Saved after every page, so a run that stopped (crash, restart, monolith away) resumes
 * after {@code afterId} instead of starting over.
 *
 * @param state          IDLE, RUNNING, COMPLETED or FAILED
 * @param afterId        the highest monolith order id handled so far; the next page starts after it
 * @param pages          pages read in this run
 * @param copied         orders copied because they were absent
 * @param alreadyPresent orders left alone because orders-service already had them
 * @param error          why the last run failed, if it did
 */
public record BackfillProgress(String state, long afterId, long pages, long copied, long alreadyPresent,
                               Instant startedAt, Instant updatedAt, String error) {

    static final String IDLE = "IDLE";
    static final String RUNNING = "RUNNING";
    static final String COMPLETED = "COMPLETED";
    static final String FAILED = "FAILED";

    static BackfillProgress idle() {
        return new BackfillProgress(IDLE, 0, 0, 0, 0, null, null, null);
    }

    BackfillProgress page(long lastId, long newlyCopied, long present, Instant now) {
        return new BackfillProgress(RUNNING, lastId, pages + 1, copied + newlyCopied, alreadyPresent + present,
                startedAt, now, null);
    }

    BackfillProgress finished(Instant now) {
        return new BackfillProgress(COMPLETED, afterId, pages, copied, alreadyPresent, startedAt, now, null);
    }

    BackfillProgress failed(String reason, Instant now) {
        return new BackfillProgress(FAILED, afterId, pages, copied, alreadyPresent, startedAt, now, reason);
    }
}
