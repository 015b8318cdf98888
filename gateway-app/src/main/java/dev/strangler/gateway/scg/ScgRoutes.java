package dev.strangler.gateway.scg;

import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;

import dev.strangler.gateway.routing.CompiledRoute;
import dev.strangler.gateway.routing.RouteTable;

/**
 * The Spring Cloud Gateway {@link Route} each compiled route is handed to SCG's filters as: NettyRoutingFilter reads
 * the per-route response timeout from its metadata. Built once per compiled route, on first use, so the routing core
 * knows nothing of Spring Cloud Gateway.
 */
final class ScgRoutes {

    private record Built(CompiledRoute source, Route route) {
    }

    /** Keyed by route id; an entry built from an earlier table's route is replaced, since that route may have changed. */
    private final ConcurrentHashMap<String, Built> byId = new ConcurrentHashMap<>();
    private volatile RouteTable seen;

    /**
     * @param route   a route of {@code current}
     * @param current the active table, whose arrival forgets the ids earlier tables had and it has not
     */
    Route of(CompiledRoute route, RouteTable current) {
        if (current != seen) {
            seen = current;
            byId.keySet().removeIf(id -> current.route(id) == null);
        }
        Built built = byId.get(route.id());
        if (built == null || built.source() != route) {
            built = new Built(route, build(route));
            byId.put(route.id(), built);
        }
        return built.route();
    }

    private static Route build(CompiledRoute route) {
        var builder = Route.async().id(route.id()).uri(route.target().url()).predicate(exchange -> true);
        if (route.spec() != null && route.spec().resilience().timeout() != null) {
            builder.metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, route.spec().resilience().timeout().toMillis());
        }
        return builder.build();
    }
}
