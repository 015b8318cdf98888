package dev.strangler.gateway.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live figures of one route that the migration endpoint and dashboard show: traffic per backend and
 * errors over the last minute, latency per backend and the shadow copies' latency against the primary's over the last
 * five minutes, counts per minute over the last 30, fallbacks, and shadow parity since the gateway started. Kept by
 * route id, so a reload that changes a route's stage keeps its history. Recording a request is one map lookup and a
 * few atomic increments, with no lock and no allocation.
 */
public final class RouteStats {

    static final int MISMATCH_SAMPLES = 50;

    /** Fields of {@link #history}. */
    private static final int COMPARED = 0;
    private static final int MISMATCHED = 1;

    private final LongSupplier clockSeconds;
    private final Map<String, BackendFigures> byBackend = new ConcurrentHashMap<>();
    private final MinuteSeries history = new MinuteSeries(MinuteSeries.MINUTES, 2);
    /** Made with the first comparison: most routes are never shadowed, and a table may hold thousands. */
    private volatile LatencyDifference shadowLatency;
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder shadowCompared = new LongAdder();
    private final LongAdder shadowMismatched = new LongAdder();
    private final LongAdder shadowDropped = new LongAdder();
    private final LongAdder shadowFailed = new LongAdder();
    private final Deque<MismatchSample> mismatches = new ArrayDeque<>(MISMATCH_SAMPLES);

    RouteStats(LongSupplier clockSeconds) {
        this.clockSeconds = clockSeconds;
    }

    /**
     * One answered request.
     *
     * @param failed a 5xx or no answer at all
     * @param nanos  how long it took, or a negative value to leave it out of the backend's latency (a fallback's time
     *               includes the failed try of another backend)
     */
    public void served(String backend, boolean failed, long nanos) {
        BackendFigures figures = byBackend.get(backend);
        if (figures == null) {
            figures = byBackend.computeIfAbsent(backend, b -> new BackendFigures(clockSeconds));
        }
        long seconds = clockSeconds.getAsLong();
        long minute = seconds / 60;
        figures.recent.increment(seconds);
        figures.total.increment();
        figures.history.increment(BackendFigures.REQUESTS, minute);
        if (failed) {
            figures.recentErrors.increment(seconds);
            figures.totalErrors.increment();
            figures.history.increment(BackendFigures.ERRORS, minute);
        }
        if (nanos >= 0) {
            figures.latency.record(nanos, minute);
        }
    }

    public void fellBack() {
        fallbacks.increment();
    }

    /** @param shadowMinusPrimaryNanos how much longer the shadow backend took to answer than the primary */
    public void shadowMatched(long shadowMinusPrimaryNanos) {
        shadowCompared(shadowMinusPrimaryNanos);
    }

    public void shadowMismatched(MismatchSample sample, long shadowMinusPrimaryNanos) {
        shadowCompared(shadowMinusPrimaryNanos);
        shadowMismatched.increment();
        history.increment(MISMATCHED, clockSeconds.getAsLong() / 60);
        synchronized (mismatches) {
            if (mismatches.size() == MISMATCH_SAMPLES) {
                mismatches.removeFirst();
            }
            mismatches.addLast(sample);
        }
    }

    /** A copy that was never sent: no free shadow slot, or a request body over the cap. */
    public void shadowDropped() {
        shadowDropped.increment();
    }

    /** A copy sent but not compared: the shadow backend failed, timed out or answered too large a body. */
    public void shadowFailed() {
        shadowFailed.increment();
    }

    private void shadowCompared(long shadowMinusPrimaryNanos) {
        shadowCompared.increment();
        long minute = clockSeconds.getAsLong() / 60;
        history.increment(COMPARED, minute);
        LatencyDifference latency = shadowLatency;
        if (latency == null) {
            synchronized (this) {
                latency = shadowLatency;
                if (latency == null) {
                    latency = new LatencyDifference();
                    shadowLatency = latency;
                }
            }
        }
        latency.record(shadowMinusPrimaryNanos, minute);
    }

    public Snapshot snapshot() {
        List<MismatchSample> samples;
        synchronized (mismatches) {
            samples = new ArrayList<>(mismatches);
        }
        Collections.reverse(samples);
        long minute = clockSeconds.getAsLong() / 60;
        Map<String, Long> recent = new TreeMap<>();
        Map<String, Long> recentErrors = new TreeMap<>();
        Map<String, Long> total = new TreeMap<>();
        Map<String, Long> totalErrors = new TreeMap<>();
        Map<String, LatencyWindow.Quantiles> latency = new TreeMap<>();
        Map<String, long[]> requestsPerMinute = new TreeMap<>();
        Map<String, long[]> errorsPerMinute = new TreeMap<>();
        byBackend.forEach((backend, figures) -> {
            recent.put(backend, figures.recent.sum());
            long errors = figures.recentErrors.sum();
            if (errors > 0) {
                recentErrors.put(backend, errors);
            }
            total.put(backend, figures.total.sum());
            long allErrors = figures.totalErrors.sum();
            if (allErrors > 0) {
                totalErrors.put(backend, allErrors);
            }
            latency.put(backend, figures.latency.quantiles(minute));
            requestsPerMinute.put(backend, figures.history.perMinute(BackendFigures.REQUESTS, minute));
            errorsPerMinute.put(backend, figures.history.perMinute(BackendFigures.ERRORS, minute));
        });
        History history = new History(minute, requestsPerMinute, errorsPerMinute, this.history.perMinute(COMPARED, minute),
                this.history.perMinute(MISMATCHED, minute));
        return new Snapshot(recent, recentErrors, total, totalErrors, fallbacks.sum(), shadowCompared.sum(), shadowMismatched.sum(),
                shadowDropped.sum(), shadowFailed.sum(), samples, latency,
                shadowLatency == null ? LatencyDifference.Quantiles.NONE : shadowLatency.quantiles(minute), history);
    }

    /** Everything kept per backend of the route, found with one map lookup per request. */
    private static final class BackendFigures {

        static final int REQUESTS = 0;
        static final int ERRORS = 1;

        final RecentCounter recent;
        final RecentCounter recentErrors;
        final LongAdder total = new LongAdder();
        final LongAdder totalErrors = new LongAdder();
        final LatencyWindow latency = new LatencyWindow();
        final MinuteSeries history = new MinuteSeries(MinuteSeries.MINUTES, 2);

        BackendFigures(LongSupplier clockSeconds) {
            recent = new RecentCounter(clockSeconds);
            recentErrors = new RecentCounter(clockSeconds);
        }
    }

    /**
     * Counts per minute over the last {@link MinuteSeries#MINUTES} minutes, oldest first.
     *
     * @param minute the current minute since the epoch, the last of each array
     */
    public record History(long minute, Map<String, long[]> requestsByBackend, Map<String, long[]> errorsByBackend, long[] compared,
            long[] mismatched) {
    }

    /**
     * @param recentByBackend requests per backend over the last minute
     * @param recentErrors    failed requests per backend over the last minute
     * @param mismatches      newest first, at most 50
     * @param latencyByBackend latency per backend over the last five minutes, fallbacks left out
     * @param shadowLatency   shadow minus primary latency of the copies compared in the last five minutes
     */
    public record Snapshot(Map<String, Long> recentByBackend, Map<String, Long> recentErrors, Map<String, Long> totalByBackend,
            Map<String, Long> totalErrors, long fallbacks, long shadowCompared, long shadowMismatched, long shadowDropped,
            long shadowFailed, List<MismatchSample> mismatches, Map<String, LatencyWindow.Quantiles> latencyByBackend,
            LatencyDifference.Quantiles shadowLatency, History history) {

        public long recentTotal() {
            return recentByBackend.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Share of the last minute's requests served by this backend, 0 to 1. */
        public double recentShare(String backend) {
            long total = recentTotal();
            return total == 0 ? 0 : (double) recentByBackend.getOrDefault(backend, 0L) / total;
        }

        public long shadowMatched() {
            return shadowCompared - shadowMismatched;
        }

        /** Matched share of compared shadow requests in percent, or null before the first comparison. */
        public Double shadowParity() {
            return shadowCompared == 0 ? null : 100.0 * shadowMatched() / shadowCompared;
        }
    }
}
