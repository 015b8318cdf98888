package dev.strangler.gateway.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.strangler.gateway.routes.MigrationTable;
import dev.strangler.gateway.routes.RouteSpec;
import dev.strangler.gateway.routing.ActiveRouteTable;

/** {@code /actuator/migration}: the table being served, where it came from, and the last reload that failed. */
@Endpoint(id = "migration")
public class MigrationEndpoint {

    private final ActiveRouteTable active;

    public MigrationEndpoint(ActiveRouteTable active) {
        this.active = active;
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
        body.put("routes", table.routes().stream().map(r -> route(r, table)).toList());
        ActiveRouteTable.ReloadFailure failure = active.lastFailure();
        body.put("lastReloadError", failure == null ? null : Map.of(
                "at", failure.at().toString(),
                "contentHash", failure.contentHash() == null ? "" : failure.contentHash(),
                "errors", failure.errors().stream().map(Object::toString).toList()));
        return body;
    }

    private static Map<String, Object> route(RouteSpec r, MigrationTable table) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("paths", r.paths());
        m.put("methods", r.methods().isEmpty() ? List.of("*") : r.methods().stream().sorted().toList());
        m.put("stage", r.stage().name());
        m.put("backend", r.backend() == null ? table.defaultBackend() : r.backend());
        m.put("location", r.location().toString());
        return m;
    }
}
