package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import dev.strangler.system.deploy.edge.EdgeCaseTable;
import dev.strangler.system.deploy.edge.EdgeCaseTable.Expectation;
import dev.strangler.system.deploy.edge.EdgeWasmHost;
import dev.strangler.system.deploy.edge.EdgeWasmHost.LogLine;
import dev.strangler.system.deploy.edge.EnvoyHeaderMap;
import io.roastedroot.proxywasm.LogLevel;
import io.roastedroot.proxywasm.internal.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The edge filter's wasm module (istio/wasm, built by `mvn verify`) under a real proxy-wasm host with Envoy's header
 * map semantics, against the same table of cases as the Lua filter (EdgeTaggingLuaTest).
 */
class EdgeTaggingWasmTest {

    static final Path MODULE = RepositoryLayout.resolve("system-tests/target/wasm/edge_tagging.wasm");
    static final Path CASES = RepositoryLayout.resolve("istio/lua/test/edge_tagging_cases.json");

    static final Pattern UUID_V7 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /** What Envoy offers a module of ABI v0.2.1 (proxy-wasm/spec abi-versions/v0.2.1) that this module may import. */
    private static final Set<String> ABI_0_2_1_IMPORTS = Set.of("proxy_log", "proxy_get_current_time_nanoseconds",
            "proxy_get_property", "proxy_get_header_map_pairs", "proxy_add_header_map_value",
            "proxy_remove_header_map_value", "proxy_send_local_response");

    private static WasmModule module;

    @BeforeAll
    static void loadModule() {
        module = EdgeWasmHost.load(MODULE);
    }

    @TestFactory
    Stream<DynamicTest> luaCasesPassUnderTheWasmModule() {
        EdgeCaseTable table = EdgeCaseTable.read(CASES);
        assertThat(table.cases()).as("cases in " + CASES).hasSizeGreaterThanOrEqualTo(20);
        return table.cases().stream().map(c -> dynamicTest(c.name(), () -> run(c)));
    }

    @Test
    void importsOnlyTheProxyWasmAbiAndExportsItsVersionAndAllocator() {
        List<Import> imports = module.importSection().stream().toList();
        assertThat(imports).allSatisfy(i -> {
            assertThat(i.module()).as("no WASI or other host module: " + i.name()).isEqualTo("env");
            assertThat(i.importType()).isEqualTo(ExternalType.FUNCTION);
            assertThat(ABI_0_2_1_IMPORTS).contains(i.name());
        });
        Set<String> exports = IntStream.range(0, module.exportSection().exportCount())
                .mapToObj(i -> module.exportSection().getExport(i).name()).collect(Collectors.toSet());
        assertThat(exports).contains("memory", "proxy_abi_version_0_2_1", "proxy_on_memory_allocate",
                "proxy_on_context_create", "proxy_on_request_headers", "proxy_on_response_headers", "proxy_on_done",
                "proxy_on_delete", "proxy_on_vm_start", "proxy_on_configure");
    }

    @Test
    void refusesHeadersBeyondItsMemoryBoundWithA400InsteadOfTrapping() {
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            EdgeWasmHost.Stream stream = host.stream(List.of(Map.entry("x-strangler-route", "a"),
                    Map.entry("cookie", "k=" + "v".repeat(25 << 20))));
            assertThat(stream.onRequestHeaders(1_000)).isEqualTo(Action.PAUSE);
            assertThat(stream.localReply().statusCode()).isEqualTo(400);
            assertThat(stream.logs()).extracting(LogLine::message).anyMatch(m -> m.startsWith("event=edge_strip_failed "));
            assertThat(stream.requestHeaders().values("x-strangler-route")).as("never forwarded").containsExactly("a");
        }
    }

    @Test
    void reusesItsMemoryAcrossStreamsSoLargeHeadersNeverExhaustTheBound() {
        // 8 MiB is Envoy's ceiling for request headers; four such requests would need 32 MiB if nothing were reused.
        String cookie = "strangler_cohort=big; pad=" + "p".repeat(8 << 20);
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            for (int i = 0; i < 5; i++) {
                EdgeWasmHost.Stream stream = host.stream(List.of(Map.entry("cookie", cookie)));
                assertThat(stream.onRequestHeaders(1_000 + i)).as("request " + i).isEqualTo(Action.CONTINUE);
                assertThat(stream.requestHeaders().values("x-migration-cohort")).containsExactly("big");
                stream.close();
            }
        }
    }

    @Test
    void theHostsHeaderMapAnswersAsEnvoys() {
        EnvoyHeaderMap map = new EnvoyHeaderMap(List.of(Map.entry("X-Test", "one"), Map.entry("x-test", "two")));
        assertThat(map.get("X-TEST")).as("get: the first value, any case").isEqualTo("one");
        map.put("x-Test", "new");
        assertThat(map.values("x-test")).as("replace: the first value only").containsExactly("new", "two");
        map.put("x-other", "v");
        assertThat(map.values("x-other")).as("replace adds when absent").containsExactly("v");
        map.remove("X-TEST");
        assertThat(map.values("x-test")).as("remove: every value").isEmpty();
        assertThat(new EnvoyHeaderMap(List.of(Map.entry("\u0130-Header", "v"))).names())
                .as("lower-cased as ASCII, like absl::AsciiStrToLower").containsExactly("\u0130-header");
    }

    private static void run(EdgeCaseTable.Case c) {
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            List<EdgeWasmHost.Stream> streams = new ArrayList<>();
            for (int n = 0; n < c.streams().size(); n++) {
                EdgeCaseTable.StreamSpec spec = c.streams().get(n);
                EdgeWasmHost.Stream stream = host.stream(spec.request() == null ? List.of() : spec.request().headers());
                streams.add(stream);
                if (spec.request() == null) {
                    continue;
                }
                String where = "stream " + (n + 1) + " request";
                stream.requestHeaders().failOn(spec.request().failOn());
                Action action = stream.onRequestHeaders(spec.request().now());
                expect(where, stream.requestHeaders(), spec.expectRequest(), spec.request().headers(), spec.request().now());
                expectReply(where, stream, action, spec.expectRequest());
                expectLogs(where, stream.logs(), spec.expectRequest());
            }
            for (int n = 0; n < c.streams().size(); n++) {
                EdgeCaseTable.StreamSpec spec = c.streams().get(n);
                if (spec.response() == null) {
                    continue;
                }
                String where = "stream " + (n + 1) + " response";
                EdgeWasmHost.Stream stream = streams.get(n);
                int before = stream.logs().size();
                assertThat(stream.onResponseHeaders(spec.response().headers(), spec.response().now())).as(where)
                        .isEqualTo(Action.CONTINUE);
                expect(where, stream.responseHeaders(), spec.expectResponse(), List.of(), spec.response().now());
                List<LogLine> logs = stream.logs();
                expectLogs(where, logs.subList(before, logs.size()), spec.expectResponse());
            }
            if (c.distinctRequestIds()) {
                Map<String, Integer> seen = new HashMap<>();
                for (int n = 0; n < streams.size(); n++) {
                    String id = streams.get(n).requestHeaders().get("x-request-id");
                    assertThat(seen.put(id, n + 1)).as("stream " + (n + 1) + " reuses an x-request-id").isNull();
                }
            }
            streams.forEach(EdgeWasmHost.Stream::close);
            assertThat(host.vmLogs()).extracting(LogLine::level).doesNotContain(LogLevel.WARN, LogLevel.ERROR);
        }
    }

    static void expect(String where, EnvoyHeaderMap headers, Expectation e, List<Map.Entry<String, String>> sent,
            long now) {
        e.headers().forEach((name, value) -> assertThat(headers.joined(name)).as(where + " header " + name).isEqualTo(value));
        e.count().forEach((name, n) -> assertThat(headers.values(name)).as(where + " count of " + name).hasSize(n));
        for (String prefix : e.noPrefix()) {
            assertThat(headers.names()).as(where + " names").noneMatch(name -> name.startsWith(prefix));
        }
        if (e.requestId() != null) {
            List<String> ids = headers.values("x-request-id");
            assertThat(ids).as(where + " x-request-id values").hasSize(1);
            if (e.requestId().equals("kept")) {
                String sentId = sent.stream().filter(h -> h.getKey().equalsIgnoreCase("x-request-id"))
                        .map(Map.Entry::getValue).reduce((a, b) -> b).orElseThrow();
                assertThat(ids.get(0)).as(where + " x-request-id kept").isEqualTo(sentId);
            } else {
                assertThat(ids.get(0)).as(where + " generated id").matches(UUID_V7);
                assertThat(ids.get(0).substring(0, 13).replace("-", ""))
                        .as(where + " id starts with the edge time").isEqualTo(String.format("%012x", now % (1L << 48)));
            }
        }
    }

    private static void expectReply(String where, EdgeWasmHost.Stream stream, Action action, Expectation e) {
        if (e.localReply() == null) {
            assertThat(stream.localReply()).as(where + ": no local reply").isNull();
            assertThat(action).as(where + " action").isEqualTo(Action.CONTINUE);
            return;
        }
        assertThat(stream.localReply()).as(where + ": a local reply was sent").isNotNull();
        assertThat(action).as(where + ": the stream stays stopped").isEqualTo(Action.PAUSE);
        assertThat(stream.localReply().statusCode()).as(where + " local reply status").isEqualTo(e.localReply().status());
        assertThat(stream.localReply().headers().get("content-type")).as(where + " local reply content-type")
                .isEqualTo(e.localReply().contentType());
        assertThat(new String(stream.localReply().body(), StandardCharsets.UTF_8)).as(where + " local reply body")
                .contains(e.localReply().bodyContains());
    }

    private static void expectLogs(String where, List<LogLine> logs, Expectation e) {
        if (e.lastLog() == null) {
            assertThat(logs).as(where + ": nothing logged at warn or above")
                    .noneMatch(l -> l.level().value() >= LogLevel.WARN.value());
            return;
        }
        assertThat(logs).as(where + ": a log line").isNotEmpty();
        LogLine last = logs.get(logs.size() - 1);
        assertThat(last.level()).as(where + " level of the last log line")
                .isEqualTo(e.lastLog().level().equals("error") ? LogLevel.ERROR : LogLevel.WARN);
        assertThat(last.message()).as(where + " last log line").startsWith(e.lastLog().startsWith());
    }
}
