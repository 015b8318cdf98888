package dev.strangler.gateway.scg;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Normalizes the request path before anything looks at it, and answers 400 to a path that a backend
 * could read differently from the gateway. Runs first of the gateway's filters, and only for proxied
 * requests: the management port never passes through it.
 * Also answers 404 to the hidden paths ({@code strangler.hidden-paths}, by default {@code /actuator} and
 * {@code /internal} and everything below them): neither the gateway's actuator (it is on the management port)
 * nor a backend's actuator or internal API is ever exposed through the public port. The check runs on the
 * decoded, normalized segments, so no spelling of the path gets around it.
 */
public final class PathSafetyFilter implements GlobalFilter, Ordered {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private final HiddenPaths hidden;

    public PathSafetyFilter(HiddenPaths hidden) {
        this.hidden = hidden;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        try {
            RequestPath path = PathNormalizer.normalize(exchange.getRequest().getURI().getRawPath());
            if (hidden.hides(path)) {
                return Problems.write(exchange, HttpStatus.NOT_FOUND, "not-found", "Not Found",
                        "This path is not served on the public port.");
            }
            exchange.getAttributes().put(RequestPath.ATTRIBUTE, path);
        }
        catch (PathNormalizer.RejectedPathException e) {
            return Problems.write(exchange, HttpStatus.BAD_REQUEST, "ambiguous-path", "Ambiguous request path", e.getMessage());
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
