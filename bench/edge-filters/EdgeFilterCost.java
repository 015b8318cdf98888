// Per-request cost of the edge filter's wasm module (istio/wasm) under proxy-wasm-java-host, with the request
// profiles of requests.json: one request plus its response per iteration, as lua_cost.lua does for the Lua filter.
// Time is the thread's CPU time. Runs on Chicory's interpreter and on its compiler (wasm to JVM bytecode, then HotSpot's JIT), plus the host
// alone (a stream opened and closed without headers callbacks). Prints one tab-separated line per engine and profile:
//   wasm-<engine> <TAB> <profile> <TAB> <median ns per request> <TAB> <host-only median ns>
// Run by bench/edge-filters/run.sh (java's single-file launcher on the system-tests test classpath).
import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.system.deploy.edge.EdgeWasmHost;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

public class EdgeFilterCost {

    /** CPU time of this thread, like lua_cost.lua's os.clock(): a busy shared machine delays, but does not inflate, it. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        WasmModule module = EdgeWasmHost.load(Path.of(args[0]));
        JsonNode profiles = new ObjectMapper().readTree(new File(args[1])).path("profiles");
        int iterations = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        for (EdgeWasmHost.Engine engine : EdgeWasmHost.Engine.values()) {
            try (EdgeWasmHost host = new EdgeWasmHost(module, engine)) {
                for (JsonNode profile : profiles) {
                    List<Map.Entry<String, String>> request = headers(profile.path("request"));
                    List<Map.Entry<String, String>> response = headers(profile.path("response"));
                    long filter = median(host, request, response, iterations, rounds, true);
                    long hostOnly = median(host, request, response, iterations, rounds, false);
                    System.out.printf("wasm-%s\t%s\t%d\t%d%n", engine.name().toLowerCase(), profile.path("name").asText(),
                            filter, hostOnly);
                }
            }
        }
    }

    private static long median(EdgeWasmHost host, List<Map.Entry<String, String>> request,
            List<Map.Entry<String, String>> response, int iterations, int rounds, boolean callFilter) {
        round(host, request, response, iterations, callFilter); // warm-up: HotSpot compiles the hot paths
        long[] samples = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            samples[r] = round(host, request, response, iterations, callFilter);
        }
        Arrays.sort(samples);
        return samples[(rounds - 1) / 2];
    }

    private static long round(EdgeWasmHost host, List<Map.Entry<String, String>> request,
            List<Map.Entry<String, String>> response, int iterations, boolean callFilter) {
        long now = 1_764_090_302_123L;
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
            EdgeWasmHost.Stream stream = host.stream(request);
            if (callFilter) {
                stream.onRequestHeaders(now);
                stream.onResponseHeaders(response, now + 3);
            }
            stream.close();
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / iterations;
    }

    private static List<Map.Entry<String, String>> headers(JsonNode list) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        list.forEach(h -> out.add(Map.entry(h.get(0).asText(), h.get(1).asText())));
        return out;
    }
}
