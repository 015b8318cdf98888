package dev.strangler.gateway.edge;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the edge refused and dropped, for operators watching for smuggling attempts or a client that sends what it
 * should not: {@code strangler.edge.refused} by reason (the problem type) and {@code strangler.edge.headers.dropped}
 * by kind, as Envoy counts {@code requests_rejected_with_underscores_in_headers} and
 * {@code dropped_headers_with_underscores}. Every counter exists from the start, so none is created per request.
 */
final class EdgeMetrics {

    static final String[] REASONS = { "bad-framing", "bad-header", "method-not-allowed", "header-timeout", "uri-too-long",
            "headers-too-large" };

    private final Map<String, Counter> refused = new HashMap<>();
    private final Counter underscores;
    private final Counter rewriteUrls;

    EdgeMetrics(MeterRegistry meters) {
        for (String reason : REASONS) {
            refused.put(reason, Counter.builder("strangler.edge.refused").description("Requests the edge of the public port refused")
                    .tag("reason", reason).register(meters));
        }
        underscores = dropped(meters, "underscore");
        rewriteUrls = dropped(meters, "rewrite-url");
    }

    private static Counter dropped(MeterRegistry meters, String kind) {
        return Counter.builder("strangler.edge.headers.dropped").description("Request headers the edge of the public port dropped")
                .tag("kind", kind).register(meters);
    }

    void refused(Rejection rejection) {
        Counter counter = refused.get(rejection.type());
        if (counter != null) {
            counter.increment();
        }
    }

    void droppedUnderscore() {
        underscores.increment();
    }

    void droppedRewriteUrl() {
        rewriteUrls.increment();
    }
}
