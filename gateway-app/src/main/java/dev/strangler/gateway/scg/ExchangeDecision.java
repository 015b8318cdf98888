package dev.strangler.gateway.scg;

import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routing.RoutingDecision;

/** Where Spring Cloud Gateway's filters find the {@link RoutingDecision} of the request they act on. */
public final class ExchangeDecision {

    private ExchangeDecision() {
    }

    public static RoutingDecision of(ServerWebExchange exchange) {
        return exchange.getAttribute(RoutingDecision.ATTRIBUTE);
    }
}
