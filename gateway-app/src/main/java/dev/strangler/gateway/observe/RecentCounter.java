package dev.strangler.gateway.observe;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Counts events over the last minute, in one-second buckets, so the dashboard shows live traffic rather
 * than totals since start. Lock-free: a bucket from an older second is reset by the first writer that sees it.
 */
public final class RecentCounter {

    static final int SECONDS = 60;

    private final AtomicLongArray counts = new AtomicLongArray(SECONDS);
    private final AtomicLongArray stamps = new AtomicLongArray(SECONDS);
    private final LongSupplier clockSeconds;

    public RecentCounter(LongSupplier clockSeconds) {
        this.clockSeconds = clockSeconds;
    }

    /** @param now the current second of the clock this counter was made with, which the caller has read already */
    public void increment(long now) {
        int i = (int) (now % SECONDS);
        long stamp = stamps.get(i);
        if (stamp != now && stamps.compareAndSet(i, stamp, now)) {
            counts.set(i, 0);
        }
        counts.incrementAndGet(i);
    }

    /** Events in the last 60 seconds, this one included. */
    public long sum() {
        long now = clockSeconds.getAsLong();
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (now - stamps.get(i) < SECONDS) {
                total += counts.get(i);
            }
        }
        return total;
    }
}
