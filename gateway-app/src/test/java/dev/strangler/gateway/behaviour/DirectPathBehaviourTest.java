package dev.strangler.gateway.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.strangler.gateway.support.Http;

/** The behaviour suite on the direct path, the default, which serves plain routes below Spring WebFlux. */
class DirectPathBehaviourTest extends ProxyBehaviourSuite {

    /**
     * Routes whose requests, as the suite sends them, the direct path takes: guarded routes, whose reads have no body,
     * and a shadow route's requests that are not copied; the copies are made on WebFlux.
     */
    private static final Set<String> DIRECT = Set.of("orders-api", "orders-report", "default", "canary-cookie", "canary-header",
            "guarded", "slow", "breaker", "retried", "retried-fallback", "breaker-fallback", "shadow-none");

    @Override
    boolean directPath() {
        return true;
    }

    @Override
    boolean servedByWebFlux(String routeId) {
        return !DIRECT.contains(routeId);
    }

    /**
     * The direct path draws the copy and hands a drawn request to WebFlux with its decision: every request WebFlux
     * serves is copied, and none other, so the copy is drawn once (drawn again, about half of those would not be).
     */
    @Test
    void aShadowRequestDrawnForACopyIsCopiedOnWebFluxAndNoOtherIs() throws InterruptedException {
        int copiesBefore = orders.requests();
        long comparedBefore = shadowCompared("shadow-half");
        long webFluxBefore = webFluxRequests();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = Http.get(url("/shadow-half/items/" + i));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        long handedOn = 0;
        for (int i = 0; i < 250; i++) {
            handedOn = webFluxRequests() - webFluxBefore;
            if (handedOn > 0 && shadowCompared("shadow-half") - comparedBefore == handedOn) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(300);
        handedOn = webFluxRequests() - webFluxBefore;
        assertThat(handedOn).as("requests drawn for a copy, of 40 at 50%").isBetween(5L, 35L);
        assertThat(shadowCompared("shadow-half") - comparedBefore).as("comparisons").isEqualTo(handedOn);
        assertThat(orders.requests() - copiesBefore).as("copies").isEqualTo((int) handedOn);
    }
}
