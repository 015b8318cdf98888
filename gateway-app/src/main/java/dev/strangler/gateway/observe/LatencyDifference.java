package dev.strangler.gateway.observe;

/**
 * How much slower (positive) or faster (negative) the shadow backend answered than the primary, per compared copy, over
 * the last {@link LatencyWindow#MINUTES} minutes: two latency windows, one for each sign.
 */
final class LatencyDifference {

    private final LatencyWindow slower = new LatencyWindow();
    private final LatencyWindow faster = new LatencyWindow();

    void record(long shadowMinusPrimaryNanos, long minute) {
        if (shadowMinusPrimaryNanos >= 0) {
            slower.record(shadowMinusPrimaryNanos, minute);
        }
        else {
            faster.record(-shadowMinusPrimaryNanos, minute);
        }
    }

    Quantiles quantiles(long minute) {
        return new Quantiles(faster.quantiles(minute), slower.quantiles(minute));
    }

    /** The differences sorted from the most negative to the most positive. */
    record Quantiles(LatencyWindow.Quantiles faster, LatencyWindow.Quantiles slower) {

        static final Quantiles NONE = new Quantiles(LatencyWindow.Quantiles.NONE, LatencyWindow.Quantiles.NONE);

        long total() {
            return faster.total() + slower.total();
        }

        /** The q-quantile of shadow minus primary in nanoseconds, or NaN when nothing was compared. */
        double nanos(double q) {
            long total = total();
            if (total == 0) {
                return Double.NaN;
            }
            double rank = q * total;
            if (rank <= faster.total() && faster.total() > 0) {
                return -faster.nanos(1.0 - rank / faster.total());
            }
            return slower.nanos((rank - faster.total()) / slower.total());
        }
    }
}
