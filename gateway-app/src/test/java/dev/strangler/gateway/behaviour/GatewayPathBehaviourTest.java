package dev.strangler.gateway.behaviour;

/** The behaviour suite with {@code strangler.direct-path=false}: Spring Cloud Gateway serves every request. */
class GatewayPathBehaviourTest extends ProxyBehaviourSuite {

    @Override
    boolean directPath() {
        return false;
    }

    @Override
    boolean servedByWebFlux(String routeId) {
        return true;
    }
}
