package dev.strangler.gateway.routing;

import java.util.Set;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;

import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.RouteSpec;
import dev.strangler.gateway.routes.Stage;

/**
 * A route ready for the hot path: its backends resolved, and a Spring Cloud Gateway {@link Route}
 * built once so that NettyRoutingFilter finds the per-route timeout in its metadata.
 *
 * @param spec       the route as written, or null for the default route
 * @param legacy     the default backend
 * @param target     the route's own backend (the new service); the default backend for a legacy route without one
 * @param fallback   the backend that serves safe methods when the target fails, or null
 * @param scgRoute   handed to Spring Cloud Gateway as the exchange's route
 */
public record CompiledRoute(String id, RouteSpec spec, Backend legacy, Backend target, Backend fallback, Route scgRoute) {

    public static final String DEFAULT_ID = "default";

    static CompiledRoute of(RouteSpec spec, Backend legacy, Backend target, Backend fallback) {
        var builder = Route.async().id(spec.id()).uri(target.url()).predicate(exchange -> true);
        if (spec.resilience().timeout() != null) {
            builder.metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, spec.resilience().timeout().toMillis());
        }
        return new CompiledRoute(spec.id(), spec, legacy, target, fallback, builder.build());
    }

    static CompiledRoute defaultRoute(Backend legacy) {
        Route route = Route.async().id(DEFAULT_ID).uri(legacy.url()).predicate(exchange -> true).build();
        return new CompiledRoute(DEFAULT_ID, null, legacy, legacy, null, route);
    }

    public Stage stage() {
        return spec == null ? new Stage.Legacy() : spec.stage();
    }

    public Set<String> methods() {
        return spec == null ? Set.of() : spec.methods();
    }
}
