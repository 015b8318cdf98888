package dev.strangler.gateway.observe;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts per minute over the last minutes, in a ring of one slot per minute holding a few fields: the dashboard's
 * chart of share, errors and parity over {@link #MINUTES} minutes, and the buckets of a {@link LatencyWindow}.
 * Lock-free like {@link RecentCounter}: a slot from an older minute is cleared by the first writer that sees it.
 */
final class MinuteSeries {

    /** How far back the dashboard's chart goes. */
    static final int MINUTES = 30;

    private final int minutes;
    private final int fields;
    private final AtomicLongArray counts;
    private final AtomicLongArray stamps;

    MinuteSeries(int minutes, int fields) {
        this.minutes = minutes;
        this.fields = fields;
        this.counts = new AtomicLongArray(minutes * fields);
        this.stamps = new AtomicLongArray(minutes);
        for (int i = 0; i < minutes; i++) {
            stamps.set(i, Long.MIN_VALUE);
        }
    }

    void increment(int field, long minute) {
        int slot = (int) Math.floorMod(minute, (long) minutes);
        long stamp = stamps.get(slot);
        if (stamp != minute && stamps.compareAndSet(slot, stamp, minute)) {
            for (int f = 0; f < fields; f++) {
                counts.set(slot * fields + f, 0);
            }
        }
        counts.incrementAndGet(slot * fields + field);
    }

    /** The count of a field in one minute, 0 when that minute has left the ring or had nothing. */
    long count(int field, long minute) {
        int slot = (int) Math.floorMod(minute, (long) minutes);
        return stamps.get(slot) == minute ? counts.get(slot * fields + field) : 0;
    }

    /** The count of a field in each minute the ring holds, oldest first; the last is {@code minute}. */
    long[] perMinute(int field, long minute) {
        long[] out = new long[minutes];
        for (int i = 0; i < minutes; i++) {
            out[i] = count(field, minute - (minutes - 1 - i));
        }
        return out;
    }
}
