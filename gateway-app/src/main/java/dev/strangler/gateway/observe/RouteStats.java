package dev.strangler.gateway.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live figures of one route that the migration endpoint and dashboard show: traffic per backend and
 * errors over the last minute, fallbacks, and shadow parity since the gateway started. Kept by route id,
 * so a reload that changes a route's stage keeps its history.
 */
public final class RouteStats {

    static final int MISMATCH_SAMPLES = 50;

    private final LongSupplier clockSeconds;
    private final Map<String, RecentCounter> recentByBackend = new ConcurrentHashMap<>();
    private final Map<String, RecentCounter> recentErrorsByBackend = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> totalByBackend = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> totalErrorsByBackend = new ConcurrentHashMap<>();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder shadowCompared = new LongAdder();
    private final LongAdder shadowMismatched = new LongAdder();
    private final LongAdder shadowDropped = new LongAdder();
    private final LongAdder shadowFailed = new LongAdder();
    private final Deque<MismatchSample> mismatches = new ArrayDeque<>(MISMATCH_SAMPLES);

    RouteStats(LongSupplier clockSeconds) {
        this.clockSeconds = clockSeconds;
    }

    /** One answered request; {@code failed} means a 5xx or no answer at all. */
    public void served(String backend, boolean failed) {
        recentByBackend.computeIfAbsent(backend, b -> new RecentCounter(clockSeconds)).increment();
        totalByBackend.computeIfAbsent(backend, b -> new LongAdder()).increment();
        if (failed) {
            recentErrorsByBackend.computeIfAbsent(backend, b -> new RecentCounter(clockSeconds)).increment();
            totalErrorsByBackend.computeIfAbsent(backend, b -> new LongAdder()).increment();
        }
    }

    public void fellBack() {
        fallbacks.increment();
    }

    public void shadowMatched() {
        shadowCompared.increment();
    }

    public void shadowMismatched(MismatchSample sample) {
        shadowCompared.increment();
        shadowMismatched.increment();
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

    public Snapshot snapshot() {
        List<MismatchSample> samples;
        synchronized (mismatches) {
            samples = new ArrayList<>(mismatches);
        }
        java.util.Collections.reverse(samples);
        return new Snapshot(sums(recentByBackend), sums(recentErrorsByBackend), totals(totalByBackend), totals(totalErrorsByBackend),
                fallbacks.sum(), shadowCompared.sum(), shadowMismatched.sum(), shadowDropped.sum(), shadowFailed.sum(), samples);
    }

    private static Map<String, Long> sums(Map<String, RecentCounter> counters) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static Map<String, Long> totals(Map<String, LongAdder> counters) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * @param recentByBackend requests per backend over the last minute
     * @param recentErrors    failed requests per backend over the last minute
     * @param mismatches      newest first, at most 50
     */
    public record Snapshot(Map<String, Long> recentByBackend, Map<String, Long> recentErrors, Map<String, Long> totalByBackend,
            Map<String, Long> totalErrors, long fallbacks, long shadowCompared, long shadowMismatched, long shadowDropped,
            long shadowFailed, List<MismatchSample> mismatches) {

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
