package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.system.deploy.edge.EdgeWasmHost;
import dev.strangler.system.deploy.edge.RandomHeaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Lua filter (under LuaJIT, istio/lua/test/replay.lua) and the wasm module forward exactly the same headers,
 * in the same order, with the same log lines, for random header sets: beyond the shared table of cases, the two
 * implementations agree on inputs nobody wrote down. Generated request ids are random in both, so they are compared
 * by shape and time prefix.
 */
class EdgeFiltersAgreeTest {

    private static final int SETS_PER_SEED = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WasmModule module;

    @BeforeAll
    static void loadModule() {
        module = EdgeWasmHost.load(EdgeTaggingWasmTest.MODULE);
    }

    static Stream<Long> seeds() {
        return RandomHeaders.seeds("EdgeFiltersAgreeTest");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void luaAndWasmForwardTheSameHeadersAndLogTheSameLines(long seed, @TempDir Path dir) throws IOException {
        Random random = new Random(seed);
        List<List<Map.Entry<String, String>>> sets = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        ArrayNode input = JSON.createArrayNode();
        for (int n = 0; n < SETS_PER_SEED; n++) {
            List<Map.Entry<String, String>> headers = RandomHeaders.requestHeaders(random);
            long now = 1_764_090_302_123L + random.nextInt(1_000_000);
            sets.add(headers);
            times.add(now);
            ObjectNode item = input.addObject().put("now", now);
            ArrayNode list = item.putArray("headers");
            headers.forEach(h -> list.addArray().add(h.getKey()).add(h.getValue()));
        }
        Path file = dir.resolve("headers.json");
        JSON.writeValue(file.toFile(), input);
        ToolRun lua = ToolRun.run(RepositoryLayout.root(), RequiredTool.LUAJIT, "istio/lua/test/replay.lua", file.toString());
        assertThat(lua.exitCode()).as(lua.describe()).isZero();
        List<String> lines = lua.stdout().lines().toList();
        assertThat(lines).as("one line per header set").hasSize(SETS_PER_SEED);

        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            for (int n = 0; n < SETS_PER_SEED; n++) {
                String where = "seed " + seed + " set " + n + " " + abbreviated(sets.get(n).toString());
                JsonNode expected = JSON.readTree(lines.get(n));
                EdgeWasmHost.Stream stream = host.stream(sets.get(n));
                stream.onRequestHeaders(times.get(n));
                assertThat(stream.localReply()).as(where).isNull();
                assertThat(expected.get("responded").isNull()).as(where + " Lua replied locally").isTrue();
                assertThat(normalised(stream.requestHeaders().entries(), times.get(n)))
                        .as(where + " forwarded headers").isEqualTo(normalised(pairs(expected.get("headers")), times.get(n)));
                List<Map.Entry<String, String>> wasmLogs = stream.logs().stream()
                        .map(l -> Map.entry(l.level().name().toLowerCase(Locale.ROOT), l.message())).toList();
                assertThat(wasmLogs).as(where + " log lines").isEqualTo(pairs(expected.get("logs")));
                stream.close();
            }
        }
    }

    /** A generated x-request-id is random: it becomes its shape and the time it must start with. */
    private static List<Map.Entry<String, String>> normalised(Iterable<? extends Map.Entry<String, String>> headers, long now) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String prefix = String.format("%012x", now % (1L << 48));
        for (Map.Entry<String, String> h : headers) {
            String value = h.getValue();
            if (h.getKey().equals("x-request-id") && EdgeTaggingWasmTest.UUID_V7.matcher(value).matches()
                    && value.substring(0, 13).replace("-", "").equals(prefix)) {
                value = "<fresh UUID v7 at " + prefix + ">";
            }
            out.add(Map.entry(h.getKey(), value));
        }
        return out;
    }

    private static List<Map.Entry<String, String>> pairs(JsonNode list) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        list.forEach(p -> out.add(Map.entry(p.get(0).asText(), p.get(1).asText())));
        return out;
    }

    private static String abbreviated(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "...(" + s.length() + " chars)" : s;
    }
}
