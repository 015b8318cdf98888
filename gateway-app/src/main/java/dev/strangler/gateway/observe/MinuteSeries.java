package dev.strangler.gateway.observe;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A few counts per minute over the last {@link #MINUTES} minutes, for the dashboard's chart of share, errors and
 * parity. Lock-free like {@link RecentCounter}: a slot from an older minute is cleared by the first writer that sees it.
 */
final class MinuteSeries {

    static final int MINUTES = 30;

    private final int fields;
    private final AtomicLongArray counts;
    private final AtomicLongArray stamps = new AtomicLongArray(MINUTES);

    MinuteSeries(int fields) {
        this.fields = fields;
        this.counts = new AtomicLongArray(MINUTES * fields);
        for (int i = 0; i < MINUTES; i++) {
            stamps.set(i, Long.MIN_VALUE);
        }
    }

    void increment(int field, long minute) {
        int slot = (int) Math.floorMod(minute, (long) MINUTES);
        long stamp = stamps.get(slot);
        if (stamp != minute && stamps.compareAndSet(slot, stamp, minute)) {
            for (int f = 0; f < fields; f++) {
                counts.set(slot * fields + f, 0);
            }
        }
        counts.incrementAndGet(slot * fields + field);
    }

    /** The count of a field in each of the last {@link #MINUTES} minutes, oldest first; the last is the current minute. */
    long[] perMinute(int field, long minute) {
        long[] out = new long[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            long m = minute - (MINUTES - 1 - i);
            int slot = (int) Math.floorMod(m, (long) MINUTES);
            out[i] = stamps.get(slot) == m ? counts.get(slot * fields + field) : 0;
        }
        return out;
    }
}
