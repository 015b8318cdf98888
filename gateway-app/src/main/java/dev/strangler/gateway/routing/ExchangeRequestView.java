package dev.strangler.gateway.routing;

import org.springframework.http.HttpCookie;
import org.springframework.web.server.ServerWebExchange;

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
