package dev.strangler.gateway.routing;

/**
 * A request path after normalization: dot segments resolved, repeated and trailing slashes removed,
 * path parameters dropped. The gateway matches on {@link #segments()} (decoded) and forwards
 * {@link #raw()} (still percent-encoded), so the gateway and the backend act on the same path.
 */
public record RequestPath(String raw, String[] segments) {

    public static final String ATTRIBUTE = RequestPath.class.getName();
}
