package dev.strangler.gateway.direct;

import java.util.Locale;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The server span of a request on the direct path: it continues the caller's trace (W3C traceparent) and is the
 * parent the backend sees, so the caller's trace still reaches the backend. Unlike the other path, which records a
 * client span for the backend call as well (Spring Cloud Gateway's observation), this path records the server span
 * alone: one span per request is what the trace needs, and each span costs the hot path.
 */
final class RequestSpans {

    private final Tracer tracer;
    private final Propagator propagator;

    /** Either may be null when tracing is off; then no span is made and nothing is propagated. */
    RequestSpans(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    Span start(HttpServerRequest request, String pattern) {
        if (tracer == null || propagator == null) {
            return null;
        }
        String method = request.method().name();
        Span.Builder builder = propagator.extract(request.requestHeaders(), HttpHeaders::get);
        return builder.kind(Span.Kind.SERVER)
                .name("http " + method.toLowerCase(Locale.ROOT) + (pattern == null ? "" : " " + pattern))
                .tag("http.method", method)
                .start();
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
