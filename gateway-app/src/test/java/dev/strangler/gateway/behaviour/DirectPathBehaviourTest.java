package dev.strangler.gateway.behaviour;

import java.util.Set;

/** The behaviour suite on the direct path, the default, which serves plain routes below Spring WebFlux. */
class DirectPathBehaviourTest extends ProxyBehaviourSuite {

    /**
     * Routes whose requests, as the suite sends them, the direct path takes; shadow routes still go to WebFlux. Guarded
     * routes are here: their reads have no body.
     */
    private static final Set<String> DIRECT = Set.of("orders-api", "orders-report", "default", "canary-cookie", "canary-header",
            "guarded", "slow", "breaker", "retried", "retried-fallback", "breaker-fallback");

    @Override
    boolean directPath() {
        return true;
    }

    @Override
    boolean servedByWebFlux(String routeId) {
        return !DIRECT.contains(routeId);
    }
}
