package dev.strangler.gateway.http;

import java.util.List;

/**
 * The header names the gateway's policy is written in, for both proxy paths: its own {@code X-Strangler-*} headers,
 * which only the gateway may set; the forwarding headers, which only a trusted proxy may pass on (the rule is
 * {@code ForwardedHeadersPolicy.isForwardingHeader}); and the hop-by-hop
 * headers, which describe one connection and are never passed on. A path that copied its own list could drift.
 */
public final class Headers {

    /** The route that served an answer, a response tag. */
    public static final String ROUTE = "X-Strangler-Route";
    /** The backend that served an answer, a response tag. */
    public static final String BACKEND = "X-Strangler-Backend";
    /** Why the fallback backend served an answer, a response tag. */
    public static final String FALLBACK = "X-Strangler-Fallback";
    /** Marks a shadow copy, so the shadow backend can treat it as a dry run. */
    public static final String SHADOW = "X-Strangler-Shadow";

    public static final String X_FORWARDED_FOR = "X-Forwarded-For";
    public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    public static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    public static final String X_FORWARDED_PORT = "X-Forwarded-Port";
    public static final String X_FORWARDED_PREFIX = "X-Forwarded-Prefix";
    public static final String FORWARDED = "Forwarded";

    public static final String HOST = "Host";
    public static final String SET_COOKIE = "Set-Cookie";

    /**
     * The hop-by-hop headers of Spring Cloud Gateway's RemoveHopByHopHeadersFilter, in lower case, which the direct
     * path drops as Spring Cloud Gateway's path does; a header the Connection header names is hop-by-hop too
     * (RFC 9110, section 7.6.1).
     */
    public static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "proxy-authorization", "proxy-authenticate", "upgrade", "x-application-context");

    private static final String STRANGLER_PREFIX = "X-Strangler-";

    private Headers() {
    }

    /** Whether only this gateway may set {@code name}: inbound ones are dropped from clients and from backends. */
    public static boolean isStranglerHeader(String name) {
        return name.regionMatches(true, 0, STRANGLER_PREFIX, 0, STRANGLER_PREFIX.length());
    }
}
