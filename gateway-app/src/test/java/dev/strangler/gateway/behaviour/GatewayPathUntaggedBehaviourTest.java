package dev.strangler.gateway.behaviour;

/**
 * The behaviour suite on Spring Cloud Gateway's path with {@code strangler.response-tags=false}: the answers carry no
 * {@code X-Strangler-*} tags, and the figures are those of {@link GatewayPathBehaviourTest}.
 */
class GatewayPathUntaggedBehaviourTest extends GatewayPathBehaviourTest {

    @Override
    boolean responseTags() {
        return false;
    }
}
