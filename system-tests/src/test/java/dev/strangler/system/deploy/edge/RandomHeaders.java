package dev.strangler.system.deploy.edge;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random request header sets for the edge filter: internal names in any case, request ids of every shape, cookie
 * lines with and without a cohort, and odd bytes (quotes, separators, CR/LF, NUL, non-ASCII) where a client
 * controls them. Deterministic for a seed.
 */
public final class RandomHeaders {

    private static final List<String> INTERNAL_NAMES = List.of("x-strangler-route", "X-Strangler-Shadow", "x-STRANGLER-",
            "x-edge-received-at", "X-Edge-Duration-Ms", "x-edge-", "dapr-api-token", "Dapr-Caller-App-Id", "x-dapr-app-id",
            "X-DAPR-", "x-migration-cohort", "X-Migration-Cohort");
    private static final List<String> ORDINARY_NAMES = List.of(":method", ":path", ":authority", "accept", "user-agent",
            "x-strangler", "x-edgy", "dapr", "xdapr-a", "x-forwarded-for", "traceparent", "strangler_cohort");
    private static final String ID_CHARS = "abcdefABCDEF0123456789-_.:";
    private static final String NASTY = " \t;=\",\\%\u00e9\u2713\r\n\u0000\u000b\u007f";

    private static final long FIXED_SEED = 0x5eed_17L;

    private RandomHeaders() {
    }

    /**
     * The seeds a randomised test runs with: a fixed one and a fresh one, both printed, or only the one given with
     * -Dedge.fuzz.seed=SEED (to replay a failure).
     */
    public static Stream<Long> seeds(String test) {
        String replay = System.getProperty("edge.fuzz.seed");
        if (replay != null) {
            return Stream.of(Long.decode(replay));
        }
        long fresh = new SecureRandom().nextLong();
        System.out.println(test + " seeds: " + FIXED_SEED + " and " + fresh + " (replay one with -Dedge.fuzz.seed=SEED)");
        return Stream.of(FIXED_SEED, fresh);
    }

    public static List<Map.Entry<String, String>> requestHeaders(Random random) {
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

}
