package dev.strangler.gateway.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.RoutingDecision;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records every proxied request once it is complete: the {@code strangler.requests} timer (tagged route,
 * backend, stage, outcome), the {@code strangler.canary.share} gauge of canary routes, the live route figures behind /actuator/migration, and one access log line
 * with route, backend, status, latency and trace id. Each proxy path calls {@link #record} once per request it served.
 */
public final class TrafficObserver {

    private final MigrationStats stats;
    private final MeterRegistry meters;
    private final AccessLog accessLog;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> canaryGauges = new ConcurrentHashMap<>();

    /** @param accessLog where each request's line goes, or null when the access log is off */
    public TrafficObserver(MigrationStats stats, MeterRegistry meters, AccessLog accessLog) {
        this.stats = stats;
        this.meters = meters;
        this.accessLog = accessLog;
    }

    /** Whether {@link #record} writes an access log line, and so wants the request's trace id. */
    public boolean logsRequests() {
        return accessLog != null;
    }

    /**
     * Records one completed request, whichever proxy path served it.
     *
     * @param failure how the backend call failed, or null
     */
    public void record(RoutingDecision decision, String method, String path, int status, String failure, long nanos, String traceId) {
        String route = decision.route().id();
        String backend = decision.backend().name();
        String stage = decision.route().stage().name();
        String outcome = decision.fallback() != null ? "FALLBACK" : status >= 500 ? "SERVER_ERROR" : status >= 400 ? "CLIENT_ERROR" : "SUCCESS";
        RouteStats routeStats = stats.route(route);
        routeStats.served(backend, status >= 500, decision.fallback() != null ? -1 : nanos);
        if (decision.route().stage() instanceof Stage.Canary && !canaryGauges.containsKey(route)) {
            String target = decision.route().target().name();
            canaryGauges.computeIfAbsent(route, id -> {
                Gauge.builder("strangler.canary.share", routeStats, s -> s.snapshot().recentShare(target))
                        .description("Share of the route's requests served by its new backend over the last minute, 0 to 1")
                        .tags("route", id, "backend", target).register(meters);
                return true;
            });
        }
        timer(route, backend, stage, outcome).record(nanos, TimeUnit.NANOSECONDS);
        if (accessLog != null) {
            StringBuilder line = new StringBuilder(160 + path.length());
            line.append("event=request route=").append(route).append(" backend=").append(backend).append(" stage=").append(stage)
                    .append(" method=").append(method).append(" path=").append(path).append(" status=").append(status)
                    .append(" latencyMs=").append(millis(nanos)).append(" traceId=").append(traceId);
            if (failure != null) {
                line.append(" failure=").append(failure);
            }
            accessLog.write(line.toString());
        }
    }

    /** Milliseconds with one decimal, without String.format, which allocates heavily on the hot path. */
    static String millis(long nanos) {
        long tenths = (nanos + 50_000) / 100_000;
        return (tenths / 10) + "." + (tenths % 10);
    }

    private Timer timer(String route, String backend, String stage, String outcome) {
        TimerKey key = new TimerKey(route, backend, stage, outcome);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder("strangler.requests")
                    .description("Requests proxied by the strangler gateway")
                    .tags("route", route, "backend", backend, "stage", stage, "outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters));
        }
        return timer;
    }

    private record TimerKey(String route, String backend, String stage, String outcome) {
    }
}
