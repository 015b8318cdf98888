package dev.strangler.gateway.routing;

import dev.strangler.gateway.routes.Backend;

/**
 * What the gateway decided for one request; on Spring Cloud Gateway's path it is kept as an exchange attribute
 * (read with {@code scg.ExchangeDecision}) for the filters that act on it
 * (target URL, resilience, shadow copy, metrics, access log).
 *
 * @param route        the route that matched, or the default route
 * @param pattern      the pattern of the route that matched, or null for the default route
 * @param backend      the backend that serves the client; a fallback replaces it
 * @param toNewService whether {@code backend} is the route's own (new) backend, which is when {@code rewrite} applies
 * @param shadowTarget the backend that receives a copy of this request, or null when it is not copied
 * @param setCookie    the canary cookie the response sets, because this request's sticky key was just drawn; or null
 * @param fallback     why the fallback backend serves the request instead of the route's own (a {@code BackendFailure}
 *                     tag), or null; kept here and not only in a response tag, which may be switched off
 */
public record RoutingDecision(CompiledRoute route, String pattern, Backend backend, boolean toNewService, Backend shadowTarget,
        String setCookie, String fallback) {

    public static final String ATTRIBUTE = RoutingDecision.class.getName();

    /** The same request served by {@code other} because the route's own backend failed as {@code reason} says. */
    public RoutingDecision fallenBackTo(Backend other, String reason) {
        return new RoutingDecision(route, pattern, other, other == route.target() && toNewService, shadowTarget, setCookie, reason);
    }

    /** The path sent to {@code backend}: the rewrite maps the monolith's URLs onto the new service's, and only there. */
    public String forwardPath(RequestPath path) {
        return toNewService ? route.pathOnNewService(path) : path.raw();
    }
}
