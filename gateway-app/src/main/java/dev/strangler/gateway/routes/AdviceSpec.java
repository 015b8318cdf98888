package dev.strangler.gateway.routes;

/** Thresholds for the readiness advice shown per route. */
public record AdviceSpec(long minSamples, double minParity) {
    public static final AdviceSpec DEFAULT = new AdviceSpec(1000, 99.9);
}
