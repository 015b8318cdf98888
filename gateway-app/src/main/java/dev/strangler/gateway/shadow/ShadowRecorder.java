package dev.strangler.gateway.shadow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.strangler.gateway.observe.MigrationStats;
import dev.strangler.gateway.observe.MismatchSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where every sampled request ends up: compared (matched or mismatched), dropped or failed. Each outcome goes to the
 * route's live figures (the migration endpoint and dashboard), to a Micrometer counter tagged with the route, and,
 * except a match, to the log (at most one line per route, outcome and second; {@code suppressed} says how many were
 * left out since the previous line).
 */
final class ShadowRecorder {

    private static final Logger log = LoggerFactory.getLogger(ShadowRecorder.class);

    private final MigrationStats stats;
    private final MeterRegistry meters;
    private final LogThrottle throttle;

    ShadowRecorder(MigrationStats stats, MeterRegistry meters, LogThrottle throttle) {
        this.stats = stats;
        this.meters = meters;
        this.throttle = throttle;
    }

    /** @param shadowMinusPrimaryNanos how much longer the shadow backend took to answer than the primary */
    void matched(String route, long shadowMinusPrimaryNanos) {
        stats.route(route).shadowMatched(shadowMinusPrimaryNanos);
        compared(route);
    }

    void mismatched(SampledRequest request, MismatchSample sample, long shadowMinusPrimaryNanos) {
        stats.route(request.route()).shadowMismatched(sample, shadowMinusPrimaryNanos);
        compared(request.route());
        counter("strangler.shadow.mismatched", "Compared shadow copies whose answer differed from the primary's", request.route())
                .increment();
        long suppressed = throttle.admit(request.route() + " mismatch");
        if (suppressed >= 0) {
            log.info("event=shadow.mismatch route={} backend={} method={} path={} primaryStatus={} shadowStatus={} differences={} "
                    + "first={} suppressed={}", request.route(), request.backend(), request.method(), request.path(), sample.primaryStatus(),
                    sample.shadowStatus(), sample.differences().size(), sample.differences().get(0).where(), suppressed);
        }
    }

    void notCompared(SampledRequest request, NotCompared why) {
        switch (why.outcome()) {
            case DROPPED -> {
                stats.route(request.route()).shadowDropped();
                counter("strangler.shadow.dropped", "Sampled requests not copied to the shadow backend", request.route()).increment();
                long suppressed = throttle.admit(request.route() + " dropped " + why.reason());
                if (suppressed >= 0) {
                    log.warn("event=shadow.dropped route={} backend={} method={} path={} reason={} suppressed={}", request.route(),
                            request.backend(), request.method(), request.path(), why.reason(), suppressed);
                }
            }
            case FAILED -> {
                stats.route(request.route()).shadowFailed();
                counter("strangler.shadow.failed", "Shadow copies sent but not compared", request.route()).increment();
                long suppressed = throttle.admit(request.route() + " failed " + why.reason());
                if (suppressed >= 0) {
                    log.warn("event=shadow.failed route={} backend={} method={} path={} reason={} error=\"{}\" suppressed={}",
                            request.route(), request.backend(), request.method(), request.path(), why.reason(), cause(why), suppressed);
                }
            }
            case SKIPPED -> log.debug("event=shadow.skipped route={} backend={} method={} path={} reason={}", request.route(),
                    request.backend(), request.method(), request.path(), why.reason());
        }
    }

    private void compared(String route) {
        counter("strangler.shadow.compared", "Shadow copies whose answer was compared with the primary's", route).increment();
    }

    private static String cause(NotCompared why) {
        Throwable cause = why.getCause();
        if (cause == null) {
            return "";
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.replace('"', '\'').replace('\n', ' ');
    }

    private Counter counter(String name, String description, String route) {
        return Counter.builder(name).description(description).tag("route", route).register(meters);
    }
}
