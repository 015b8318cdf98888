package dev.strangler.gateway.routing;

import java.util.function.BiConsumer;

import dev.strangler.gateway.http.Headers;

/**
 * The headers the gateway adds to every answer, written by both proxy paths from the same decision: the route and
 * backend that served it, why a fallback did (all three switched off by {@code strangler.response-tags=false}), and
 * the canary cookie of a user whose sticky key was just drawn, which is never switched off.
 */
public final class ResponseTags {

    private final boolean enabled;

    public ResponseTags(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Sets the tags, replacing any a backend sent, and adds the canary cookie.
     *
     * @param set sets one header, replacing its values
     * @param add adds one value to a header
     */
    public void write(RoutingDecision decision, BiConsumer<String, String> set, BiConsumer<String, String> add) {
        if (decision.setCookie() != null) {
            add.accept(Headers.SET_COOKIE, decision.setCookie());
        }
        retag(decision, set);
    }

    /** Sets the tags again for a request whose decision changed (a fallback), leaving the cookie as it was added. */
    public void retag(RoutingDecision decision, BiConsumer<String, String> set) {
        if (!enabled) {
            return;
        }
        set.accept(Headers.ROUTE, decision.route().id());
        set.accept(Headers.BACKEND, decision.backend().name());
        if (decision.fallback() != null) {
            set.accept(Headers.FALLBACK, decision.fallback());
        }
    }
}
