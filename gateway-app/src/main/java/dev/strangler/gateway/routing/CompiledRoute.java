package dev.strangler.gateway.routing;

import java.util.Set;

import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.RouteSpec;
import dev.strangler.gateway.routes.Stage;

/**
 * A route ready for the hot path, with its backends resolved.
 *
 * @param spec       the route as written, or null for the default route
 * @param legacy     the default backend
 * @param target     the route's own backend (the new service); the default backend for a legacy route without one
 * @param fallback   the backend that serves safe methods when the target fails, or null
 */
public record CompiledRoute(String id, RouteSpec spec, Backend legacy, Backend target, Backend fallback) {

    public static final String DEFAULT_ID = "default";

    static CompiledRoute defaultRoute(Backend legacy) {
        return new CompiledRoute(DEFAULT_ID, null, legacy, legacy, null);
    }

    public Stage stage() {
        return spec == null ? new Stage.Legacy() : spec.stage();
    }

    /** The path the route's own backend gets: the rewrite maps the monolith's URLs onto the new service's. */
    public String pathOnNewService(RequestPath path) {
        return spec != null && spec.rewrite() != null ? spec.rewrite().apply(path.raw()) : path.raw();
    }

    public Set<String> methods() {
        return spec == null ? Set.of() : spec.methods();
    }
}
