package dev.strangler.system.deploy.edge;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.roastedroot.proxywasm.LogLevel;
import io.roastedroot.proxywasm.StartException;
import io.roastedroot.proxywasm.WasmException;
import io.roastedroot.proxywasm.internal.Action;
import io.roastedroot.proxywasm.internal.Context;
import io.roastedroot.proxywasm.internal.Handler;
import io.roastedroot.proxywasm.internal.HttpContext;
import io.roastedroot.proxywasm.internal.ProxyMap;
import io.roastedroot.proxywasm.internal.ProxyWasm;
import io.roastedroot.proxywasm.internal.SendResponse;
import io.roastedroot.proxywasm.internal.StreamType;
import io.roastedroot.proxywasm.internal.WasmResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Envoy worker's wasm VM for the edge filter, on proxy-wasm-java-host: the module starts once
 * (proxy_on_vm_start, proxy_on_configure on the root context), then every {@link Stream} is an HTTP context
 * whose request and response header maps answer as Envoy's ({@link EnvoyHeaderMap}), with Envoy's 64-bit clock
 * ({@link EnvoyClockMachine}). Properties other than the peer address answer NotFound, as Envoy does for an
 * unknown path.
 *
 * <p>Envoy (proxy-wasm-cpp-host) makes a context the current one for every callback into it, so host calls made
 * during stream A's callback act on stream A. proxy-wasm-java-host 0.0.5 switches its active context only when a
 * context is created, so with two streams open the first one's callbacks would read the second one's headers; every
 * callback here first makes its own context the active one.
 */
public final class EdgeWasmHost implements AutoCloseable {

    public static final String PEER_ADDRESS = "203.0.113.7:50000";

    private static final Method SET_ACTIVE_CONTEXT;
    private static final Field PLUGIN_CONTEXT;

    static {
        try {
            SET_ACTIVE_CONTEXT = ProxyWasm.class.getDeclaredMethod("setActiveContext", Context.class);
            SET_ACTIVE_CONTEXT.setAccessible(true);
            PLUGIN_CONTEXT = ProxyWasm.class.getDeclaredField("pluginContext");
            PLUGIN_CONTEXT.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ProxyWasm wasm;
    private final List<LogLine> vmLogs = new ArrayList<>();
    private final List<Stream> open = new ArrayList<>();
    private long nowNanos;

    /** The machine a VM runs on. */
    public enum Engine {
        /** Chicory's interpreter, with Envoy's 64-bit clock ({@link EnvoyClockMachine}): what the tests use. */
        INTERPRETER,
        /**
         * Chicory's compiler (wasm to JVM bytecode, then HotSpot's JIT), closer to the JIT that Istio's Envoy runs
         * modules on (V8); the host's 32-bit clock is left as it is, so only the benchmark uses it.
         */
        COMPILED
    }

    public EdgeWasmHost(WasmModule module) {
        this(module, Engine.INTERPRETER);
    }

    public EdgeWasmHost(WasmModule module, Engine engine) {
        try {
            this.wasm = ProxyWasm.builder()
                    .withPluginHandler(new StreamHandler(vmLogs))
                    .withMachineFactory(engine == Engine.COMPILED ? MachineFactoryCompiler.compile(module)
                            : instance -> new EnvoyClockMachine(instance, () -> nowNanos))
                    .build(module);
        } catch (StartException e) {
            throw new IllegalStateException("the edge filter's wasm module did not start: " + e.getMessage(), e);
        }
    }

    /** The built module; the Maven build (istio/wasm/build.sh) puts it there before the tests run. */
    public static WasmModule load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: it is built by istio/wasm/build.sh, which `mvn verify`"
                    + " runs in system-tests (phase generate-test-resources)");
        }
        return Parser.parse(file);
    }

    public Stream stream(List<Map.Entry<String, String>> requestHeaders) {
        Stream stream = new Stream(requestHeaders);
        open.add(stream);
        return stream;
    }

    /** Log lines written outside any stream (VM start, configuration). */
    public List<LogLine> vmLogs() {
        return List.copyOf(vmLogs);
    }

    /** Ends the streams still open, then the VM. */
    @Override
    public void close() {
        List.copyOf(open).forEach(Stream::close);
        try {
            activate((Context) PLUGIN_CONTEXT.get(wasm));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        wasm.close();
    }

    private void activate(Context context) {
        try {
            SET_ACTIVE_CONTEXT.invoke(wasm, context);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot make a proxy-wasm context current", e);
        }
    }

    public record LogLine(LogLevel level, String message) {
    }

    /** One HTTP stream: its request headers, later its response headers, and what the module did with them. */
    public final class Stream implements AutoCloseable {

        private final StreamHandler handler;
        private final HttpContext context;

        private Stream(List<Map.Entry<String, String>> requestHeaders) {
            this.handler = new StreamHandler(new ArrayList<>());
            this.handler.request = new EnvoyHeaderMap(requestHeaders);
            this.context = wasm.createHttpContext(handler);
        }

        public EnvoyHeaderMap requestHeaders() {
            return handler.request;
        }

        public EnvoyHeaderMap responseHeaders() {
            return handler.response;
        }

        public Action onRequestHeaders(long nowMillis) {
            nowNanos = nowMillis * 1_000_000L;
            activate(context);
            return context.callOnRequestHeaders(false);
        }

        /** Envoy gives the filter the response headers; the request map stays reachable, as in Envoy. */
        public Action onResponseHeaders(List<Map.Entry<String, String>> headers, long nowMillis) {
            nowNanos = nowMillis * 1_000_000L;
            handler.response = new EnvoyHeaderMap(headers);
            activate(context);
            return context.callOnResponseHeaders(false);
        }

        public SendResponse localReply() {
            return handler.localReply;
        }

        public List<LogLine> logs() {
            return List.copyOf(handler.logs);
        }

        /** proxy_on_done and proxy_on_delete, as Envoy calls them when the stream ends. */
        @Override
        public void close() {
            if (open.remove(this)) {
                activate(context);
                context.close();
            }
        }
    }

    private final class StreamHandler implements Handler {

        private final List<LogLine> logs;
        private EnvoyHeaderMap request;
        private EnvoyHeaderMap response;
        private SendResponse localReply;

        private StreamHandler(List<LogLine> logs) {
            this.logs = logs;
        }

        @Override
        public void log(LogLevel level, String message) {
            logs.add(new LogLine(level, message));
        }

        @Override
        public LogLevel getLogLevel() {
            return LogLevel.TRACE;
        }

        /** The low 32 bits; {@link EnvoyClockMachine} has written the full 64 (see there). */
        @Override
        public int getCurrentTimeNanoseconds() {
            return (int) nowNanos;
        }

        @Override
        public ProxyMap getHttpRequestHeaders() {
            return request;
        }

        @Override
        public ProxyMap getHttpResponseHeaders() {
            return response;
        }

        @Override
        public WasmResult sendHttpResponse(int statusCode, byte[] details, byte[] body, ProxyMap headers, int grpcStatus) {
            localReply = new SendResponse(statusCode, details, body, headers, grpcStatus);
            return WasmResult.OK;
        }

        @Override
        public WasmResult setAction(StreamType streamType, Action action) {
            return WasmResult.OK;
        }

        @Override
        public WasmResult clearRouteCache() {
            return WasmResult.OK;
        }

        @Override
        public byte[] getProperty(List<String> path) throws WasmException {
            if (path.equals(List.of("source", "address"))) {
                return PEER_ADDRESS.getBytes(StandardCharsets.UTF_8);
            }
            throw new WasmException(WasmResult.NOT_FOUND);
        }
    }
}
