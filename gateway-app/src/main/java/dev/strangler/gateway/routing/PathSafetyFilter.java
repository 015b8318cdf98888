package dev.strangler.gateway.routing;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.strangler.gateway.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Normalizes the request path before anything looks at it, and answers 400 to a path that a backend
 * could read differently from the gateway. Runs first, so a refused request costs almost nothing.
 */
public final class PathSafetyFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        try {
            RequestPath path = PathNormalizer.normalize(exchange.getRequest().getURI().getRawPath());
            exchange.getAttributes().put(RequestPath.ATTRIBUTE, path);
        }
        catch (PathNormalizer.RejectedPathException e) {
            return Problems.write(exchange, HttpStatus.BAD_REQUEST, "ambiguous-path", "Ambiguous request path", e.getMessage());
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
