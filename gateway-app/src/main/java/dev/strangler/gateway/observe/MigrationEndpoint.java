package dev.strangler.gateway.observe;

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

    public MigrationEndpoint(ActiveRouteTable active, MigrationStats stats) {
        this.active = active;
        this.stats = stats;
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
        var routes = new java.util.ArrayList<Map<String, Object>>();
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
        m.put("live", live(s));
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
        m.put("live", live(stats.route(CompiledRoute.DEFAULT_ID).snapshot()));
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

    private static Map<String, Object> live(RouteStats.Snapshot s) {
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
        shadow.put("recentMismatches", s.mismatches());
        m.put("shadow", shadow);
        return m;
    }
}
