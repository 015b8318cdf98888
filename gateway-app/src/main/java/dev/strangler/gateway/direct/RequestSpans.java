package dev.strangler.gateway.direct;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The server span of a request on the direct path: it continues the caller's trace (W3C traceparent) and is the
 * parent the backend sees, so the caller's trace still reaches the backend. Unlike the other path, which records a
 * client span for the backend call as well (Spring Cloud Gateway's observation), this path records the server span
 * alone: one span per request is what the trace needs, and each span costs the hot path.
 */
final class RequestSpans {

    private static final int MAX_NAMES = 10_000;

    private final Tracer tracer;
    private final Propagator propagator;
    private final Map<NameKey, String> names = new ConcurrentHashMap<>();

    /** Either may be null when tracing is off; then no span is made and nothing is propagated. */
    RequestSpans(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    Span start(String method, HttpHeaders headers, String pattern) {
        if (tracer == null || propagator == null) {
            return null;
        }
        Span.Builder builder = propagator.extract(headers, HttpHeaders::get);
        return builder.kind(Span.Kind.SERVER)
                .name(name(method, pattern))
                .tag("http.method", method)
                .start();
    }

    /**
     * Names are asked for on every request and are few: methods times route patterns. Clients choose the method,
     * so the cache has a bound.
     */
    private String name(String method, String pattern) {
        NameKey key = new NameKey(method, pattern);
        String name = names.get(key);
        if (name == null) {
            name = spanName(key);
            if (names.size() < MAX_NAMES) {
                names.put(key, name);
            }
        }
        return name;
    }

    private record NameKey(String method, String pattern) {
    }

    private static String spanName(NameKey key) {
        return "http " + key.method().toLowerCase(Locale.ROOT) + (key.pattern() == null ? "" : " " + key.pattern());
    }

    void inject(Span span, HttpHeaders outbound) {
        if (span != null) {
            propagator.inject(span.context(), outbound, HttpHeaders::set);
        }
    }

    static void end(Span span, int status, Throwable error) {
        if (span == null) {
            return;
        }
        span.tag("http.status_code", Integer.toString(status));
        if (error != null) {
            span.error(error);
        }
        span.end();
    }
}
