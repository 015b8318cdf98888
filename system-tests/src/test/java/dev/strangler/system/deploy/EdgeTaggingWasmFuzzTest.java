package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.WasmModule;
import dev.strangler.system.deploy.edge.EdgeWasmHost;
import dev.strangler.system.deploy.edge.EnvoyHeaderMap;
import dev.strangler.system.deploy.edge.RandomHeaders;
import io.roastedroot.proxywasm.LogLevel;
import io.roastedroot.proxywasm.internal.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random header sets through the wasm module: it never traps, and what it forwards keeps the edge's promises. Each
 * run uses a fixed seed and a fresh one, both printed; replay a failure with -Dedge.fuzz.seed=SEED.
 */
class EdgeTaggingWasmFuzzTest {

    private static final int STREAMS_PER_SEED = 300;

    private static final Pattern INTERNAL = Pattern.compile("(x-strangler-|x-edge-|x-dapr-|dapr-).*|x-migration-cohort");
    private static final Pattern USABLE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern COHORT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static WasmModule module;

    @BeforeAll
    static void loadModule() {
        module = EdgeWasmHost.load(EdgeTaggingWasmTest.MODULE);
    }

    static Stream<Long> seeds() {
        return RandomHeaders.seeds("EdgeTaggingWasmFuzzTest");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomHeaderSetsNeverTrapAndLeaveNoInternalHeaderAndOneWellFormedRequestId(long seed) {
        Random random = new Random(seed);
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            for (int n = 0; n < STREAMS_PER_SEED; n++) {
                List<Map.Entry<String, String>> sent = RandomHeaders.requestHeaders(random);
                long now = 1_764_090_302_123L + random.nextInt(1_000_000);
                String where = "seed " + seed + " stream " + n + " " + abbreviated(sent);
                EdgeWasmHost.Stream stream = host.stream(sent);
                assertThat(stream.onRequestHeaders(now)).as(where).isEqualTo(Action.CONTINUE);
                assertThat(stream.localReply()).as(where).isNull();
                assertThat(stream.logs()).as(where).noneMatch(l -> l.level().value() >= LogLevel.WARN.value());
                checkForwarded(where, sent, stream.requestHeaders(), now);
                long later = now + random.nextInt(5_000) - 1_000;
                stream.onResponseHeaders(List.of(Map.entry(":status", "200"), Map.entry("x-edge-duration-ms", "spoof")), later);
                assertThat(stream.responseHeaders().values("x-edge-duration-ms")).as(where)
                        .containsExactly(String.valueOf(Math.max(0, later - now)));
                stream.close();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aFailingHostCallNeverTrapsAndNeverForwardsAnInternalHeader(long seed) {
        Random random = new Random(seed);
        EnvoyHeaderMap.Operation[] operations = EnvoyHeaderMap.Operation.values();
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            for (int n = 0; n < STREAMS_PER_SEED / 4; n++) {
                List<Map.Entry<String, String>> sent = RandomHeaders.requestHeaders(random);
                EnvoyHeaderMap.Operation failing = operations[random.nextInt(operations.length)];
                String where = "seed " + seed + " stream " + n + " failing " + failing + " " + abbreviated(sent);
                EdgeWasmHost.Stream stream = host.stream(sent);
                stream.requestHeaders().failOn(failing);
                Action action = stream.onRequestHeaders(1_000);
                boolean internalSent = sent.stream().anyMatch(h -> INTERNAL.matcher(lower(h.getKey())).matches());
                if (failing == EnvoyHeaderMap.Operation.REMOVE && internalSent) {
                    assertThat(action).as(where).isEqualTo(Action.PAUSE);
                    assertThat(stream.localReply().statusCode()).as(where).isEqualTo(400);
                } else {
                    assertThat(action).as(where).isEqualTo(Action.CONTINUE);
                    stream.requestHeaders().failOn(null);
                    assertThat(stream.requestHeaders().names()).as(where).allSatisfy(name ->
                            assertThat(!INTERNAL.matcher(name).matches() || setByTheEdge(stream, name)).as(name).isTrue());
                }
                stream.close();
            }
        }
    }

    /** x-edge-received-at and x-migration-cohort are internal, and the edge itself sets them. */
    private static boolean setByTheEdge(EdgeWasmHost.Stream stream, String name) {
        List<String> values = stream.requestHeaders().values(name);
        return (name.equals("x-edge-received-at") && values.equals(List.of("1000")))
                || (name.equals("x-migration-cohort") && values.size() == 1 && COHORT.matcher(values.get(0)).matches());
    }

    private static void checkForwarded(String where, List<Map.Entry<String, String>> sent, EnvoyHeaderMap forwarded, long now) {
        List<String> ids = forwarded.values("x-request-id");
        assertThat(ids).as(where + " x-request-id").hasSize(1);
        assertThat(ids.get(0)).as(where + " x-request-id").matches(USABLE_ID);
        List<String> sentIds = sent.stream().filter(h -> lower(h.getKey()).equals("x-request-id")).map(Map.Entry::getValue).toList();
        if (sentIds.size() == 1 && USABLE_ID.matcher(sentIds.get(0)).matches()) {
            assertThat(ids.get(0)).as(where + " a usable id is kept").isEqualTo(sentIds.get(0));
        } else {
            assertThat(ids.get(0)).as(where + " a fresh id").matches(EdgeTaggingWasmTest.UUID_V7);
        }
        assertThat(forwarded.values("x-edge-received-at")).as(where).containsExactly(String.valueOf(now));
        List<String> cohort = forwarded.values("x-migration-cohort");
        assertThat(cohort).as(where + " cohort").hasSizeLessThanOrEqualTo(1);
        cohort.forEach(c -> assertThat(c).as(where + " cohort").matches(COHORT));
        for (String name : forwarded.names()) {
            assertThat(!INTERNAL.matcher(name).matches() || name.equals("x-edge-received-at")
                    || name.equals("x-migration-cohort")).as(where + " internal header " + name + " forwarded").isTrue();
        }
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        for (Map.Entry<String, String> h : sent) {
            String name = lower(h.getKey());
            if (!INTERNAL.matcher(name).matches() && !name.equals("x-request-id")) {
                kept.add(Map.entry(name, h.getValue()));
            }
        }
        List<Map.Entry<String, String>> ordinaryForwarded = new ArrayList<>();
        for (Map.Entry<String, String> h : forwarded.entries()) {
            if (!INTERNAL.matcher(h.getKey()).matches() && !h.getKey().equals("x-request-id")) {
                ordinaryForwarded.add(Map.entry(h.getKey(), h.getValue()));
            }
        }
        assertThat(ordinaryForwarded).as(where + " every ordinary header passes unchanged, in order").isEqualTo(kept);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String abbreviated(List<Map.Entry<String, String>> headers) {
        String s = headers.toString();
        return s.length() > 400 ? s.substring(0, 400) + "...(" + s.length() + " chars)" : s;
    }
}
