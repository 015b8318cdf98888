package dev.strangler.gateway.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Set;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import dev.strangler.gateway.support.Http;

/** The behaviour suite on the direct path, the default, which serves plain routes below Spring WebFlux. */
class DirectPathBehaviourTest extends ProxyBehaviourSuite {

    /**
     * Routes whose requests, as the suite sends them, the direct path takes: guarded routes and shadow routes, whose
     * reads have no body; a write of a shadow route drawn for a copy is copied on WebFlux.
     */
    private static final Set<String> DIRECT = Set.of("orders-api", "orders-report", "default", "canary-cookie", "canary-header",
            "guarded", "slow", "breaker", "retried", "retried-fallback", "breaker-fallback", "shadowed", "shadow-none", "shadow-all");

    @Override
    boolean directPath() {
        return true;
    }

    @Override
    boolean servedByWebFlux(String routeId) {
        return !DIRECT.contains(routeId);
    }

    /** The direct path draws and makes the copies of reads: every drawn one is compared once, and WebFlux serves none. */
    @Test
    void aShadowReadDrawnForACopyIsCopiedOnTheDirectPathOnce() throws InterruptedException {
        int copiesBefore = orders.requests();
        long comparedBefore = shadowCompared("shadow-half");
        long webFluxBefore = webFluxRequests();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = Http.get(url("/shadow-half/items/" + i));
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        long copies = awaitSettled(() -> orders.requests() - copiesBefore, () -> shadowCompared("shadow-half") - comparedBefore);
        assertThat(copies).as("reads drawn for a copy, of 40 at 50%").isBetween(5L, 35L);
        assertThat(shadowCompared("shadow-half") - comparedBefore).as("comparisons").isEqualTo(copies);
        assertThat(webFluxRequests() - webFluxBefore).as("requests served by WebFlux").isZero();
    }

    /**
     * A write with a body drawn for a copy goes to WebFlux with its decision: every write WebFlux serves is copied, and
     * none other, so the copy is drawn once (drawn again, about half of those would not be).
     */
    @Test
    void aShadowWriteDrawnForACopyIsCopiedOnWebFluxAndNoOtherIs() throws InterruptedException {
        int copiesBefore = orders.requests();
        long comparedBefore = shadowCompared("shadow-writes");
        long webFluxBefore = webFluxRequests();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = Http.post(url("/shadow-writes/items/" + i), "{\"n\":" + i + "}");
            assertThat(Http.json(r)).containsEntry("backend", "legacy");
        }
        long handedOn = awaitSettled(() -> webFluxRequests() - webFluxBefore, () -> shadowCompared("shadow-writes") - comparedBefore);
        assertThat(handedOn).as("writes drawn for a copy, of 40 at 50%").isBetween(5L, 35L);
        assertThat(shadowCompared("shadow-writes") - comparedBefore).as("comparisons").isEqualTo(handedOn);
        assertThat(orders.requests() - copiesBefore).as("copies").isEqualTo((int) handedOn);
    }

    /** {@code count} once it is positive and {@code compared} has caught up with it, and nothing more came in 300 ms. */
    private static long awaitSettled(LongSupplier count, LongSupplier compared) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            long n = count.getAsLong();
            if (n > 0 && compared.getAsLong() == n) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(300);
        return count.getAsLong();
    }
}
