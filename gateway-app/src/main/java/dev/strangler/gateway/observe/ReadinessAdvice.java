package dev.strangler.gateway.observe;

import java.util.Locale;

import dev.strangler.gateway.routes.AdviceSpec;
import dev.strangler.gateway.routes.Stage;

/**
 * A recommendation per route, computed from its live figures and the thresholds in its {@code advice}.
 * It only advises: the stage changes when a person edits routes.yaml.
 *
 * @param verdict  ready, wait or attention
 * @param message  one sentence for the dashboard
 */
public record ReadinessAdvice(String verdict, String message) {

    /** Enough comparisons to flag poor parity before the full sample is in: nobody should wait for 1,000 to see 50%. */
    static final long EARLY_WARNING_SAMPLES = 100;

    public static ReadinessAdvice of(Stage stage, AdviceSpec advice, RouteStats.Snapshot s, String legacy, String target) {
        if (stage instanceof Stage.Legacy) {
            return new ReadinessAdvice("wait", "serving from " + legacy + "; move to stage shadow to compare " + target
                    + " with it on live traffic");
        }
        if (stage instanceof Stage.Shadow) {
            Double parity = s.shadowParity();
            boolean clearlyBelow = parity != null && parity < advice.minParity()
                    && s.shadowCompared() >= Math.min(EARLY_WARNING_SAMPLES, advice.minSamples());
            if (s.shadowCompared() < advice.minSamples() && !clearlyBelow) {
                return new ReadinessAdvice("wait", String.format(Locale.ROOT, "shadow compared %,d of the %,d requests needed%s",
                        s.shadowCompared(), advice.minSamples(), parity == null ? "" : String.format(Locale.ROOT, " (parity so far %.2f%%)", parity)));
            }
            if (parity >= advice.minParity()) {
                return new ReadinessAdvice("ready", String.format(Locale.ROOT, "shadow parity %.2f%% over %,d requests: ready for canary",
                        parity, s.shadowCompared()));
            }
            return new ReadinessAdvice("attention", String.format(Locale.ROOT,
                    "shadow parity %.2f%% over %,d requests is below %.2f%%: check the mismatches before a canary",
                    parity, s.shadowCompared(), advice.minParity()));
        }
        long toTarget = s.totalByBackend().getOrDefault(target, 0L);
        double targetErrors = rate(s.totalErrors().getOrDefault(target, 0L), toTarget);
        if (stage instanceof Stage.Canary) {
            long toLegacy = s.totalByBackend().getOrDefault(legacy, 0L);
            double legacyErrors = rate(s.totalErrors().getOrDefault(legacy, 0L), toLegacy);
            if (toTarget < advice.minSamples()) {
                return new ReadinessAdvice("wait", String.format(Locale.ROOT, "canary served %,d of the %,d requests needed on %s",
                        toTarget, advice.minSamples(), target));
            }
            if (targetErrors <= legacyErrors + 0.1) {
                return new ReadinessAdvice("ready", String.format(Locale.ROOT,
                        "%s error rate %.2f%% over %,d requests (legacy %.2f%%): ready to raise the percentage", target, targetErrors,
                        toTarget, legacyErrors));
            }
            return new ReadinessAdvice("attention", String.format(Locale.ROOT,
                    "%s error rate %.2f%% is above legacy's %.2f%%: hold or lower the percentage", target, targetErrors, legacyErrors));
        }
        if (s.fallbacks() > 0 || targetErrors > 1.0) {
            return new ReadinessAdvice("attention", String.format(Locale.ROOT, "migrated, but %,d fallbacks and %.2f%% errors on %s",
                    s.fallbacks(), targetErrors, target));
        }
        return new ReadinessAdvice("ready", "migrated: " + target + " serves this route; the legacy code path can be retired");
    }

    private static double rate(long errors, long total) {
        return total == 0 ? 0 : 100.0 * errors / total;
    }
}
