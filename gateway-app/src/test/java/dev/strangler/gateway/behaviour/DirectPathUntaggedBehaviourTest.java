package dev.strangler.gateway.behaviour;

/**
 * The behaviour suite on the direct path with {@code strangler.response-tags=false}: the answers carry no
 * {@code X-Strangler-*} tags, and the figures are those of {@link DirectPathBehaviourTest}.
 */
class DirectPathUntaggedBehaviourTest extends DirectPathBehaviourTest {

    @Override
    boolean responseTags() {
        return false;
    }
}
