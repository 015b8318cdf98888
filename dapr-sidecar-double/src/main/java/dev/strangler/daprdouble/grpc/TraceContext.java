package dev.strangler.daprdouble.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Carries the caller's W3C trace headers into the call, so published events keep the trace, as daprd does. */
final class TraceContext implements ServerInterceptor {

    static final Context.Key<String> TRACE_PARENT = Context.key("traceparent");
    static final Context.Key<String> TRACE_STATE = Context.key("tracestate");
    private static final Metadata.Key<String> TRACE_PARENT_HEADER = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRACE_STATE_HEADER = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current()
                .withValue(TRACE_PARENT, orEmpty(headers.get(TRACE_PARENT_HEADER)))
                .withValue(TRACE_STATE, orEmpty(headers.get(TRACE_STATE_HEADER)));
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
