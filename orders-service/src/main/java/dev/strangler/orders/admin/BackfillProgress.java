package dev.strangler.orders.admin;

import java.time.Instant;

/**
 * Where the backfill stands. Saved after every page, so a run that stopped (crash, restart, monolith away) resumes
 * after {@code afterId} instead of starting over. The counters cover the whole backfill, across the runs that resumed
 * it, so {@code copied + alreadyPresent} is the number of monolith orders handled once each.
 *
 * @param state          IDLE, RUNNING, COMPLETED or FAILED
 * @param afterId        the highest monolith order id handled so far; the next page starts after it
 * @param pages          pages read
 * @param copied         orders copied because they were absent
 * @param alreadyPresent orders left alone because orders-service already had them
 * @param resumedAfterId where the latest run picked up an unfinished one; null when it started from the first order
 * @param resumes        how many times this backfill was resumed
 * @param error          why the last run failed, if it did
 */
public record BackfillProgress(String state, long afterId, long pages, long copied, long alreadyPresent,
                               Long resumedAfterId, long resumes, Instant startedAt, Instant updatedAt, String error) {

    static final String IDLE = "IDLE";
    static final String RUNNING = "RUNNING";
    static final String COMPLETED = "COMPLETED";
    static final String FAILED = "FAILED";

    static BackfillProgress idle() {
        return new BackfillProgress(IDLE, 0, 0, 0, 0, null, 0, null, null, null);
    }

    static BackfillProgress fromStart(Instant now) {
        return new BackfillProgress(RUNNING, 0, 0, 0, 0, null, 0, now, now, null);
    }

    /** A RUNNING or FAILED backfill (a crash leaves RUNNING behind) is unfinished and can be resumed. */
    boolean unfinished() {
        return state.equals(RUNNING) || state.equals(FAILED);
    }

    BackfillProgress resumed(Instant now) {
        // A run that failed before its first page resumes from the first order, which the README reports as null.
        return new BackfillProgress(RUNNING, afterId, pages, copied, alreadyPresent, afterId == 0 ? null : afterId, resumes + 1,
                startedAt, now, null);
    }

    BackfillProgress page(long lastId, long newlyCopied, long present, Instant now) {
        return new BackfillProgress(RUNNING, lastId, pages + 1, copied + newlyCopied, alreadyPresent + present,
                resumedAfterId, resumes, startedAt, now, null);
    }

    BackfillProgress finished(Instant now) {
        return new BackfillProgress(COMPLETED, afterId, pages, copied, alreadyPresent, resumedAfterId, resumes, startedAt,
                now, null);
    }

    BackfillProgress failed(String reason, Instant now) {
        return new BackfillProgress(FAILED, afterId, pages, copied, alreadyPresent, resumedAfterId, resumes, startedAt,
                now, reason);
    }
}
