package dev.strangler.gateway.scg;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutePlanner;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.web.CarriedDecision;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's side of {@link RoutePlanner}: the decision for each request, kept as an exchange attribute
 * for the filters that act on it, and the response tags. It runs early, right after
 * path normalization, so that every later filter acts on one decision. Spring Cloud Gateway itself sees
 * one catch-all route, so its own predicate scan costs the same whatever the size of the table.
 */
public final class MigrationRoutingFilter implements GlobalFilter, Ordered {

    public static final int ORDER = PathSafetyFilter.ORDER + 10;

    private final ActiveRouteTable table;
    private final RoutePlanner planner;
    private final ScgRoutes scgRoutes = new ScgRoutes();
    private final ResponseTags tags;

    public MigrationRoutingFilter(ActiveRouteTable table, RoutePlanner planner, ResponseTags tags) {
        this.table = table;
        this.planner = planner;
        this.tags = tags;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RequestPath path = exchange.getAttribute(RequestPath.ATTRIBUTE);
        if (path == null) {
            return Mono.error(new IllegalStateException("PathSafetyFilter did not run"));
        }
        RoutingDecision decision = CarriedDecision.of(exchange.getRequest());
        if (decision == null) {
            decision = planner.decide(new ExchangeRequestView(exchange, path));
        }
        exchange.getAttributes().put(RoutingDecision.ATTRIBUTE, decision);
        exchange.getAttributes().put(GATEWAY_ROUTE_ATTR, scgRoutes.of(decision.route(), table.current()));
        HttpHeaders headers = exchange.getResponse().getHeaders();
        tags.write(decision, headers::set, headers::add);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
