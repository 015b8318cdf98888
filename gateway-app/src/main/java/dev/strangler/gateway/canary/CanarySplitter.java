package dev.strangler.gateway.canary;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.http.ResponseCookie;

import dev.strangler.gateway.routes.CanarySpec;

/**
 * Decides, per request, which side of a canary serves it. With {@code stickyBy: cookie:NAME} and no
 * cookie yet, a key is drawn and returned as a cookie to set, so the user stays on the same side from then on.
 * With {@code stickyBy: header:NAME} and no header, there is nothing to stick to: the request is split
 * at random in the configured proportion.
 */
public final class CanarySplitter {

    static final Duration COOKIE_LIFETIME = Duration.ofDays(30);

    private CanarySplitter() {
    }

    /**
     * The side of a canary a request goes to.
     *
     * @param toNewBackend whether the route's new backend serves it
     * @param setCookie    the {@code Set-Cookie} value that keeps a user whose key was just drawn on this side, or null
     */
    public record Choice(boolean toNewBackend, String setCookie) {
        static final Choice NEW = new Choice(true, null);
        static final Choice LEGACY = new Choice(false, null);

        static Choice of(boolean toNew) {
            return toNew ? NEW : LEGACY;
        }
    }

    /** @param key the request's value of the route's {@code stickyBy} header or cookie, or null when it has none */
    public static Choice choose(String routeId, CanarySpec canary, String key) {
        int limit = canary.bucketLimit();
        if (limit <= 0) {
            return Choice.LEGACY;
        }
        if (limit >= CanaryBuckets.BUCKETS) {
            return Choice.NEW;
        }
        if (key != null && !key.isEmpty()) {
            return Choice.of(CanaryBuckets.toNewBackend(routeId, key, limit));
        }
        CanarySpec.StickyKey sticky = canary.sticky();
        if (sticky.source() == CanarySpec.StickyKey.Source.HEADER) {
            return Choice.of(ThreadLocalRandom.current().nextInt(CanaryBuckets.BUCKETS) < limit);
        }
        String drawn = UUID.randomUUID().toString();
        String cookie = ResponseCookie.from(sticky.name(), drawn)
                .path("/").httpOnly(true).sameSite("Lax").maxAge(COOKIE_LIFETIME).build().toString();
        return new Choice(CanaryBuckets.toNewBackend(routeId, drawn, limit), cookie);
    }
}
