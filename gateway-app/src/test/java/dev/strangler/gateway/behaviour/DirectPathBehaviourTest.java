package dev.strangler.gateway.behaviour;

import java.util.Set;

/** The behaviour suite on the direct path, the default, which serves plain routes below Spring WebFlux. */
class DirectPathBehaviourTest extends ProxyBehaviourSuite {

    /** Routes whose requests the direct path takes today; shadow and guarded routes still go to WebFlux. */
    private static final Set<String> DIRECT = Set.of("orders-api", "orders-report", "default", "canary-cookie", "canary-header");

    @Override
    boolean directPath() {
        return true;
    }

    @Override
    boolean servedByWebFlux(String routeId) {
        return !DIRECT.contains(routeId);
    }
}
