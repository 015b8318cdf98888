package dev.strangler.gateway.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.strangler.gateway.routes.MigrationTable;
import dev.strangler.gateway.routes.RouteSpec;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.CompiledRoute;

/**
 * {@code /actuator/migration}: the table being served, where it came from, the last reload that failed,
 * and per route the live figures a team lead needs to decide the next step.
 */
@Endpoint(id = "migration")
public class MigrationEndpoint {

    private final ActiveRouteTable active;
    private final MigrationStats stats;
    private final DirectPathStatus directPath;

    public MigrationEndpoint(ActiveRouteTable active, MigrationStats stats, DirectPathStatus directPath) {
        this.active = active;
        this.stats = stats;
        this.directPath = directPath;
    }

    @ReadOperation
    public Map<String, Object> migration() {
        MigrationTable table = active.current().source();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", table.source());
        body.put("contentHash", table.contentHash());
        body.put("loadedAt", table.loadedAt().toString());
        body.put("defaultBackend", table.defaultBackend());
        Map<String, String> backends = new LinkedHashMap<>();
        table.backends().values().forEach(b -> backends.put(b.name(), b.url().toString()));
        body.put("backends", backends);
        body.put("directPath", directPath.asMap());
        var routes = new ArrayList<Map<String, Object>>();
        table.routes().forEach(r -> routes.add(route(r, active.current().route(r.id()))));
        routes.add(defaultRoute(active.current().defaultRoute()));
        body.put("routes", routes);
        ActiveRouteTable.ReloadFailure failure = active.lastFailure();
        body.put("lastReloadError", failure == null ? null : Map.of(
                "at", failure.at().toString(),
                "contentHash", failure.contentHash() == null ? "" : failure.contentHash(),
                "errors", failure.errors().stream().map(Object::toString).toList()));
        return body;
    }

    private Map<String, Object> route(RouteSpec r, CompiledRoute compiled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("paths", r.paths());
        m.put("methods", r.methods().isEmpty() ? List.of("*") : r.methods().stream().sorted().toList());
        m.put("stage", r.stage().name());
        m.put("backend", compiled.target().name());
        m.put("legacyBackend", compiled.legacy().name());
        m.put("percent", percent(r.stage()));
        m.put("fallback", r.resilience().fallback());
        m.put("location", r.location().toString());
        RouteStats.Snapshot s = stats.route(r.id()).snapshot();
        m.put("live", live(s, compiled.legacy().name(), compiled.target().name()));
        m.put("advice", ReadinessAdvice.of(r.stage(), r.advice(), s, compiled.legacy().name(), compiled.target().name()));
        return m;
    }

    private Map<String, Object> defaultRoute(CompiledRoute route) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", CompiledRoute.DEFAULT_ID);
        m.put("paths", List.of("(every path no route matches)"));
        m.put("methods", List.of("*"));
        m.put("stage", "legacy");
        m.put("backend", route.legacy().name());
        m.put("legacyBackend", route.legacy().name());
        m.put("percent", null);
        m.put("fallback", null);
        m.put("location", null);
        m.put("live", live(stats.route(CompiledRoute.DEFAULT_ID).snapshot(), route.legacy().name(), route.legacy().name()));
        m.put("advice", null);
        return m;
    }

    private static Double percent(Stage stage) {
        if (stage instanceof Stage.Canary c) {
            return c.canary().percent();
        }
        if (stage instanceof Stage.Shadow s) {
            return s.shadow().percent();
        }
        return null;
    }

    private static Map<String, Object> live(RouteStats.Snapshot s, String legacy, String target) {
        Map<String, Object> m = new LinkedHashMap<>();
        long recent = s.recentTotal();
        m.put("requestsLastMinute", recent);
        Map<String, Double> share = new LinkedHashMap<>();
        s.recentByBackend().forEach((backend, n) -> share.put(backend, recent == 0 ? 0.0 : 100.0 * n / recent));
        m.put("sharePercentByBackend", share);
        long errors = s.recentErrors().values().stream().mapToLong(Long::longValue).sum();
        m.put("errorRatePercent", recent == 0 ? 0.0 : 100.0 * errors / recent);
        m.put("requestsTotalByBackend", s.totalByBackend());
        m.put("fallbacks", s.fallbacks());
        Map<String, Object> shadow = new LinkedHashMap<>();
        shadow.put("compared", s.shadowCompared());
        shadow.put("matched", s.shadowMatched());
        shadow.put("mismatched", s.shadowMismatched());
        shadow.put("dropped", s.shadowDropped());
        shadow.put("failed", s.shadowFailed());
        shadow.put("parityPercent", s.shadowParity());
        shadow.put("latencyDifference", latencyDifference(s.shadowLatency()));
        shadow.put("recentMismatches", s.mismatches());
        m.put("shadow", shadow);
        m.put("latency", latency(s, legacy, target));
        m.put("history", history(s.history(), target));
        return m;
    }

    /** p50 and p99 per backend over the last minutes, the route's legacy backend first, then its new one. */
    private static Map<String, Object> latency(RouteStats.Snapshot s, String legacy, String target) {
        Map<String, Object> byBackend = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(List.of(legacy));
        if (!target.equals(legacy)) {
            order.add(target);
        }
        s.latencyByBackend().keySet().stream().filter(b -> !order.contains(b)).forEach(order::add);
        for (String backend : order) {
            LatencyWindow.Quantiles q = s.latencyByBackend().get(backend);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("role", backend.equals(target) && !target.equals(legacy) ? "new" : backend.equals(legacy) ? "legacy" : "other");
            figures.put("requests", q == null ? 0 : q.total());
            figures.put("p50Ms", q == null ? null : millis(q.nanos(0.5)));
            figures.put("p99Ms", q == null ? null : millis(q.nanos(0.99)));
            byBackend.put(backend, figures);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windowMinutes", LatencyWindow.MINUTES);
        m.put("byBackend", byBackend);
        return m;
    }

    private static Map<String, Object> latencyDifference(LatencyDifference.Quantiles q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windowMinutes", LatencyWindow.MINUTES);
        m.put("compared", q.total());
        m.put("p50Ms", millis(q.nanos(0.5)));
        m.put("p99Ms", millis(q.nanos(0.99)));
        return m;
    }

    /** Per minute over the last 30, oldest first: the new backend's share, the error rate and the shadow parity. */
    private static Map<String, Object> history(RouteStats.History h, String target) {
        int minutes = h.compared().length;
        List<Map<String, Object>> points = new ArrayList<>(minutes);
        for (int i = 0; i < minutes; i++) {
            long requests = 0;
            long errors = 0;
            for (long[] perMinute : h.requestsByBackend().values()) {
                requests += perMinute[i];
            }
            for (long[] perMinute : h.errorsByBackend().values()) {
                errors += perMinute[i];
            }
            long toTarget = h.requestsByBackend().containsKey(target) ? h.requestsByBackend().get(target)[i] : 0;
            long compared = h.compared()[i];
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("minute", Instant.ofEpochSecond((h.minute() - (minutes - 1 - i)) * 60).toString());
            point.put("requests", requests);
            point.put("newSharePercent", requests == 0 ? null : 100.0 * toTarget / requests);
            point.put("errorRatePercent", requests == 0 ? null : 100.0 * errors / requests);
            point.put("compared", compared);
            point.put("parityPercent", compared == 0 ? null : 100.0 * (compared - h.mismatched()[i]) / compared);
            points.add(point);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minutes", minutes);
        m.put("newBackend", target);
        m.put("points", points);
        return m;
    }

    /** Milliseconds with two decimals, or null for no value. */
    private static Double millis(double nanos) {
        return Double.isNaN(nanos) ? null : Math.round(nanos / 10_000.0) / 100.0;
    }
}
