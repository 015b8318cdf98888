package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.WasmModule;
import dev.strangler.system.deploy.edge.EdgeWasmHost;
import dev.strangler.system.deploy.edge.EdgeWasmHost.LogLine;
import dev.strangler.system.deploy.edge.EnvoyHeaderMap;
import io.roastedroot.proxywasm.LogLevel;
import io.roastedroot.proxywasm.internal.Action;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
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
    private static final long FIXED_SEED = 0x5eed_17L;

    private static final Pattern INTERNAL = Pattern.compile("(x-strangler-|x-edge-|x-dapr-|dapr-).*|x-migration-cohort");
    private static final Pattern USABLE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern COHORT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> INTERNAL_NAMES = List.of("x-strangler-route", "X-Strangler-Shadow", "x-STRANGLER-",
            "x-edge-received-at", "X-Edge-Duration-Ms", "x-edge-", "dapr-api-token", "Dapr-Caller-App-Id", "x-dapr-app-id",
            "X-DAPR-", "x-migration-cohort", "X-Migration-Cohort");
    private static final List<String> ORDINARY_NAMES = List.of(":method", ":path", ":authority", "accept", "user-agent",
            "x-strangler", "x-edgy", "dapr", "xdapr-a", "x-forwarded-for", "traceparent", "strangler_cohort");
    private static final String ID_CHARS = "abcdefABCDEF0123456789-_.:";
    private static final String NASTY = " \t;=\",\\%\u00e9\u2713\r\n\u0000\u000b\u007f";

    private static WasmModule module;

    @BeforeAll
    static void loadModule() {
        module = EdgeWasmHost.load(EdgeTaggingWasmTest.MODULE);
    }

    static Stream<Long> seeds() {
        String replay = System.getProperty("edge.fuzz.seed");
        if (replay != null) {
            return Stream.of(Long.decode(replay));
        }
        long fresh = new SecureRandom().nextLong();
        System.out.println("EdgeTaggingWasmFuzzTest seeds: " + FIXED_SEED + " and " + fresh
                + " (replay one with -Dedge.fuzz.seed=SEED)");
        return LongStream.of(FIXED_SEED, fresh).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomHeaderSetsNeverTrapAndLeaveNoInternalHeaderAndOneWellFormedRequestId(long seed) {
        Random random = new Random(seed);
        try (EdgeWasmHost host = new EdgeWasmHost(module)) {
            for (int n = 0; n < STREAMS_PER_SEED; n++) {
                List<Map.Entry<String, String>> sent = headers(random);
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
                List<Map.Entry<String, String>> sent = headers(random);
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

    private static List<Map.Entry<String, String>> headers(Random random) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        int count = random.nextInt(24);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (kind < 3) {
                out.add(Map.entry(pick(random, INTERNAL_NAMES) + token(random, 0, 6), value(random)));
            } else if (kind < 5) {
                out.add(Map.entry(random.nextBoolean() ? "x-request-id" : "X-Request-ID", requestId(random)));
            } else if (kind < 8) {
                out.add(Map.entry(random.nextBoolean() ? "cookie" : "Cookie", cookie(random)));
            } else {
                out.add(Map.entry(random.nextBoolean() ? pick(random, ORDINARY_NAMES) : "x-" + token(random, 1, 12), value(random)));
            }
        }
        return out;
    }

    private static String requestId(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> chars(random, ID_CHARS, 120 + random.nextInt(16));
            case 2 -> chars(random, ID_CHARS + NASTY, 1 + random.nextInt(40));
            default -> chars(random, ID_CHARS, 1 + random.nextInt(64));
        };
    }

    private static String cookie(Random random) {
        StringBuilder out = new StringBuilder();
        int pairs = random.nextInt(8);
        for (int i = 0; i < pairs; i++) {
            out.append(chars(random, " \t;", random.nextInt(3)));
            out.append(random.nextInt(3) == 0 ? "strangler_cohort" : token(random, 0, 8));
            out.append(chars(random, " \t", random.nextInt(3)));
            if (random.nextInt(8) != 0) {
                out.append('=');
            }
            out.append(chars(random, " \t", random.nextInt(3)));
            String value = switch (random.nextInt(4)) {
                case 0 -> chars(random, ID_CHARS + NASTY, random.nextInt(12));
                case 1 -> "\"" + token(random, 0, 10) + "\"";
                case 2 -> token(random, 60, 70);
                default -> token(random, 1, 16);
            };
            out.append(value).append(chars(random, " \t", random.nextInt(3)));
            if (i + 1 < pairs || random.nextBoolean()) {
                out.append(';');
            }
        }
        if (random.nextInt(20) == 0) {
            out.append(" ".repeat(random.nextInt(20_000)));
        }
        return out.toString();
    }

    private static String value(Random random) {
        return random.nextInt(30) == 0 ? chars(random, "ab;= ", random.nextInt(50_000))
                : chars(random, ID_CHARS + NASTY + "ghijklmnopqrstuvwxyz/", random.nextInt(40));
    }

    private static String token(Random random, int min, int max) {
        return chars(random, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min + random.nextInt(max - min + 1));
    }

    private static String chars(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String abbreviated(List<Map.Entry<String, String>> headers) {
        String s = headers.toString();
        return s.length() > 400 ? s.substring(0, 400) + "...(" + s.length() + " chars)" : s;
    }
}
