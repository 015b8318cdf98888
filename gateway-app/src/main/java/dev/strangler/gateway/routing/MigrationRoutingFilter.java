package dev.strangler.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.net.URI;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.Stage;
import reactor.core.publisher.Mono;

/**
 * Resolves each request against the active migration table and points Spring Cloud Gateway's
 * routing filter at the chosen backend. Spring Cloud Gateway itself sees one catch-all route, so its
 * own predicate scan costs the same whatever the size of the table.
 */
public final class MigrationRoutingFilter implements GlobalFilter, Ordered {

    public static final String ROUTE_HEADER = "X-Strangler-Route";
    public static final String BACKEND_HEADER = "X-Strangler-Backend";
    /** Exchange attribute holding the {@link Decision} for later filters (metrics, logs). */
    public static final String DECISION_ATTRIBUTE = Decision.class.getName();

    /** What the gateway decided for one request. */
    public record Decision(CompiledRoute route, Backend backend, String pattern) {
    }

    private final ActiveRouteTable table;
    private final boolean tagResponses;

    public MigrationRoutingFilter(ActiveRouteTable table, boolean tagResponses) {
        this.table = table;
        this.tagResponses = tagResponses;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        RequestPath path = exchange.getAttribute(RequestPath.ATTRIBUTE);
        if (path == null) {
            return Mono.error(new IllegalStateException("PathSafetyFilter did not run"));
        }
        RouteTable.Match match = table.current().resolve(request.getMethod().name(), path);
        CompiledRoute route = match.route();
        boolean toNewService = route.stage() instanceof Stage.Migrated;
        Backend backend = toNewService ? route.target() : route.legacy();
        // The rewrite maps the monolith's URLs onto the new service's; the monolith keeps its own.
        String forwardPath = toNewService && route.spec().rewrite() != null ? route.spec().rewrite().apply(path.raw()) : path.raw();
        String query = request.getURI().getRawQuery();
        String base = backend.base();
        StringBuilder url = new StringBuilder(base.length() + forwardPath.length() + (query == null ? 0 : query.length() + 1));
        url.append(base).append(forwardPath);
        if (query != null) {
            url.append('?').append(query);
        }
        exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, URI.create(url.toString()));
        exchange.getAttributes().put(GATEWAY_ROUTE_ATTR, route.scgRoute());
        exchange.getAttributes().put(DECISION_ATTRIBUTE, new Decision(route, backend, match.pattern()));
        if (tagResponses) {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(ROUTE_HEADER, route.id());
            headers.set(BACKEND_HEADER, backend.name());
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
    }
}
