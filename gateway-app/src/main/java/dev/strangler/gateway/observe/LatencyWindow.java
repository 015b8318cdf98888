package dev.strangler.gateway.observe;

/**
 * Latencies over the last {@link #MINUTES} minutes, for quantiles such as p50 and p99 that the migration endpoint
 * shows per backend. A ring of one-minute slots, each a fixed histogram of {@link #BUCKETS} buckets, four per doubling
 * from 1 µs to about 69 s (a quantile is read to within about 10%). Recording is a bucket index from the bit length of
 * the value and one atomic increment in a {@link MinuteSeries}: no lock and no allocation.
 */
final class LatencyWindow {

    static final int MINUTES = 5;
    /** Bucket 0 holds everything up to 2^10 ns (about 1 µs); each doubling above it has four buckets. */
    static final int FIRST_BIT = 10;
    static final int BUCKETS = 4 * (36 - FIRST_BIT) + 1;

    private final MinuteSeries buckets = new MinuteSeries(MINUTES, BUCKETS);

    void record(long nanos, long minute) {
        buckets.increment(bucket(nanos), minute);
    }

    /** The histogram of the last {@link #MINUTES} minutes, this one included. */
    Quantiles quantiles(long minute) {
        long[] merged = new long[BUCKETS];
        long total = 0;
        for (long m = minute - MINUTES + 1; m <= minute; m++) {
            for (int b = 0; b < BUCKETS; b++) {
                long n = buckets.count(b, m);
                merged[b] += n;
                total += n;
            }
        }
        return new Quantiles(merged, total);
    }

    static int bucket(long nanos) {
        if (nanos < (1L << FIRST_BIT)) {
            return 0;
        }
        int bit = 63 - Long.numberOfLeadingZeros(nanos);
        int quarter = (int) ((nanos >>> (bit - 2)) & 3);
        return Math.min(BUCKETS - 1, 1 + 4 * (bit - FIRST_BIT) + quarter);
    }

    /** The lowest value of a bucket, in nanoseconds; bucket b holds [lower(b), lower(b + 1)). */
    static double lower(int bucket) {
        if (bucket == 0) {
            return 0;
        }
        int bit = FIRST_BIT + (bucket - 1) / 4;
        int quarter = (bucket - 1) % 4;
        return Math.scalb(1.0 + quarter / 4.0, bit);
    }

    /** A merged histogram; quantiles are interpolated linearly within their bucket. */
    record Quantiles(long[] counts, long total) {

        static final Quantiles NONE = new Quantiles(new long[0], 0);

        /** The q-quantile in nanoseconds, or NaN when nothing was recorded. */
        double nanos(double q) {
            if (total == 0) {
                return Double.NaN;
            }
            double rank = q * total;
            long below = 0;
            for (int b = 0; b < counts.length; b++) {
                long n = counts[b];
                if (n > 0 && below + n >= rank) {
                    double within = (rank - below) / n;
                    return lower(b) + (lower(b + 1) - lower(b)) * within;
                }
                below += n;
            }
            return lower(counts.length);
        }
    }
}
