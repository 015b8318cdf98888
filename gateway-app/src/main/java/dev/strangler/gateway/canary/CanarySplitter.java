package dev.strangler.gateway.canary;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routes.CanarySpec;

/**
 * Decides, per request, which side of a canary serves it. With {@code stickyBy: cookie:NAME} and no
 * cookie yet, a key is drawn and set as a cookie, so the user stays on the same side from then on.
 * With {@code stickyBy: header:NAME} and no header, there is nothing to stick to: the request is split
 * at random in the configured proportion.
 */
public final class CanarySplitter {

    static final Duration COOKIE_LIFETIME = Duration.ofDays(30);

    private CanarySplitter() {
    }

    public static boolean toNewBackend(String routeId, CanarySpec canary, ServerWebExchange exchange) {
        int limit = canary.bucketLimit();
        if (limit <= 0) {
            return false;
        }
        if (limit >= CanaryBuckets.BUCKETS) {
            return true;
        }
        String key = key(canary.sticky(), exchange);
        if (key == null) {
            return ThreadLocalRandom.current().nextInt(CanaryBuckets.BUCKETS) < limit;
        }
        return CanaryBuckets.toNewBackend(routeId, key, limit);
    }

    private static String key(CanarySpec.StickyKey sticky, ServerWebExchange exchange) {
        if (sticky.source() == CanarySpec.StickyKey.Source.HEADER) {
            String value = exchange.getRequest().getHeaders().getFirst(sticky.name());
            return value == null || value.isEmpty() ? null : value;
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(sticky.name());
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return cookie.getValue();
        }
        String drawn = UUID.randomUUID().toString();
        exchange.getResponse().addCookie(ResponseCookie.from(sticky.name(), drawn)
                .path("/").httpOnly(true).sameSite("Lax").maxAge(COOKIE_LIFETIME).build());
        return drawn;
    }
}
