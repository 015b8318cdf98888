package dev.strangler.gateway.routes;

import java.util.List;

/**
 * @param percent     share of eligible requests copied to the shadow backend
 * @param allowWrites whether non-safe methods are copied too (the target must honour X-Strangler-Shadow)
 */
public record ShadowSpec(double percent, boolean allowWrites, Compare compare) {

    public static final ShadowSpec DEFAULT = new ShadowSpec(100, false, Compare.DEFAULT);

    /**
     * @param ignore           JSON pointers, with {@code *} for any array element or field
     * @param numericTolerance absolute difference under which two numbers count as equal
     * @param headers          response headers that must match
     */
    public record Compare(List<String> ignore, double numericTolerance, List<String> headers) {
        public static final Compare DEFAULT = new Compare(List.of(), 0.0, List.of("Content-Type"));
    }
}
