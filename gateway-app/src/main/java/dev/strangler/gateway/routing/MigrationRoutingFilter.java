package dev.strangler.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.util.concurrent.ThreadLocalRandom;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.canary.CanarySplitter;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.ShadowSpec;
import dev.strangler.gateway.routes.Stage;
import reactor.core.publisher.Mono;

/**
 * Resolves each request against the active migration table and applies the route's stage: which
 * backend serves the client, and whether a copy goes to the shadow backend. It runs early, right after
 * path normalization, so that every later filter acts on one decision. Spring Cloud Gateway itself sees
 * one catch-all route, so its own predicate scan costs the same whatever the size of the table.
 */
public final class MigrationRoutingFilter implements GlobalFilter, Ordered {

    public static final String ROUTE_HEADER = "X-Strangler-Route";
    public static final String BACKEND_HEADER = "X-Strangler-Backend";
    public static final int ORDER = PathSafetyFilter.ORDER + 10;

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
        Stage stage = route.stage();
        boolean toNew = stage instanceof Stage.Migrated
                || (stage instanceof Stage.Canary canary && CanarySplitter.toNewBackend(route.id(), canary.canary(), exchange));
        Backend backend = toNew ? route.target() : route.legacy();
        Backend shadowTarget = stage instanceof Stage.Shadow shadow && copied(shadow.shadow(), request.getMethod()) ? route.target() : null;
        exchange.getAttributes().put(RoutingDecision.ATTRIBUTE, new RoutingDecision(route, match.pattern(), backend, toNew, shadowTarget));
        exchange.getAttributes().put(GATEWAY_ROUTE_ATTR, route.scgRoute());
        if (tagResponses) {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(ROUTE_HEADER, route.id());
            headers.set(BACKEND_HEADER, backend.name());
        }
        return chain.filter(exchange);
    }

    private static boolean copied(ShadowSpec shadow, HttpMethod method) {
        boolean safe = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (!safe && !shadow.allowWrites()) {
            return false;
        }
        return shadow.percent() >= 100 || ThreadLocalRandom.current().nextDouble(100) < shadow.percent();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
