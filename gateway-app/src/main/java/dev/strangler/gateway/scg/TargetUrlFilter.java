package dev.strangler.gateway.scg;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import java.net.URI;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RoutingDecision;
import reactor.core.publisher.Mono;

/**
 * Points Spring Cloud Gateway's routing filter at the decided backend, with the normalized (and, for the
 * new service, rewritten) path. It takes the place of RouteToRequestUrlFilter, which application.yml turns off:
 * that one would forward the raw, unnormalized path.
 */
public final class TargetUrlFilter implements GlobalFilter, Ordered {

    public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        point(exchange, ExchangeDecision.of(exchange));
        return chain.filter(exchange);
    }

    /** Sets the URL for the decision's backend; the resilience filter calls it again when it falls back. */
    public static void point(ServerWebExchange exchange, RoutingDecision decision) {
        RequestPath path = exchange.getAttribute(RequestPath.ATTRIBUTE);
        Backend backend = decision.backend();
        String forwardPath = decision.forwardPath(path);
        String query = exchange.getRequest().getURI().getRawQuery();
        String base = backend.base();
        StringBuilder url = new StringBuilder(base.length() + forwardPath.length() + (query == null ? 0 : query.length() + 1));
        url.append(base).append(forwardPath);
        if (query != null) {
            url.append('?').append(query);
        }
        exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, URI.create(url.toString()));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
