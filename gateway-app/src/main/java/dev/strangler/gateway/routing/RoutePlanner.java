package dev.strangler.gateway.routing;

import java.util.concurrent.ThreadLocalRandom;

import dev.strangler.gateway.canary.CanarySplitter;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.CanarySpec;
import dev.strangler.gateway.routes.ShadowSpec;
import dev.strangler.gateway.routes.Stage;

/**
 * The one place a request's route and stage are decided: which backend serves the client, whether the route's new
 * backend is the one, whether a copy goes to the shadow backend, and which canary cookie to set. Both proxy paths
 * call it, so they cannot decide differently.
 */
public final class RoutePlanner {

    private final ActiveRouteTable table;

    public RoutePlanner(ActiveRouteTable table) {
        this.table = table;
    }

    public RoutingDecision decide(RequestView request) {
        return decide(resolve(request.method(), request.path()), request);
    }

    /** The route a request matches, for a path that must know the stage before it commits to serving the request. */
    public RouteTable.Match resolve(String method, RequestPath path) {
        return table.current().resolve(method, path);
    }

    /** The decision for a request whose route {@link #resolve} found. */
    public RoutingDecision decide(RouteTable.Match match, RequestView request) {
        CompiledRoute route = match.route();
        Stage stage = route.stage();
        boolean toNew;
        String setCookie = null;
        if (stage instanceof Stage.Canary canary) {
            CanarySpec.StickyKey sticky = canary.canary().sticky();
            String key = sticky.source() == CanarySpec.StickyKey.Source.HEADER ? request.header(sticky.name()) : request.cookie(sticky.name());
            CanarySplitter.Choice choice = CanarySplitter.choose(route.id(), canary.canary(), key);
            toNew = choice.toNewBackend();
            setCookie = choice.setCookie();
        }
        else {
            toNew = stage instanceof Stage.Migrated;
        }
        Backend backend = toNew ? route.target() : route.legacy();
        Backend shadowTarget = stage instanceof Stage.Shadow shadow && copied(shadow.shadow(), request.method()) ? route.target() : null;
        return new RoutingDecision(route, match.pattern(), backend, toNew, shadowTarget, setCookie, null);
    }

    /** Only safe methods are copied unless the route allows writes, since a copied write might be persisted twice. */
    private static boolean copied(ShadowSpec shadow, String method) {
        boolean safe = method.equals("GET") || method.equals("HEAD");
        if (!safe && !shadow.allowWrites()) {
            return false;
        }
        return shadow.percent() >= 100 || ThreadLocalRandom.current().nextDouble(100) < shadow.percent();
    }
}
