package dev.strangler.gateway.scg;

import org.springframework.http.HttpCookie;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RequestView;
import dev.strangler.gateway.routing.RoutePlanner;

/** A Spring WebFlux exchange as {@link RoutePlanner} reads it. */
record ExchangeRequestView(ServerWebExchange exchange, RequestPath path) implements RequestView {

    @Override
    public String method() {
        return exchange.getRequest().getMethod().name();
    }

    @Override
    public String header(String name) {
        return exchange.getRequest().getHeaders().getFirst(name);
    }

    @Override
    public String cookie(String name) {
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(name);
        return cookie == null ? null : cookie.getValue();
    }
}
