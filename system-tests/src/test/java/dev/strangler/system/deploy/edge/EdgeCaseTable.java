package dev.strangler.system.deploy.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * istio/lua/test/edge_tagging_cases.json, the edge filter's cases for both the Lua filter and the wasm module
 * (its "about" field defines the format; istio/lua/test/edge_tagging_test.lua reads it for LuaJIT).
 */
public record EdgeCaseTable(List<Map.Entry<String, String>> baseRequest, long now, List<Case> cases) {

    public record Case(String name, boolean distinctRequestIds, List<StreamSpec> streams) {
    }

    /** request and response may be null (a stream can be only a request, or only a local reply's response). */
    public record StreamSpec(RequestSpec request, Expectation expectRequest, ResponseSpec response,
            Expectation expectResponse) {
    }

    public record RequestSpec(List<Map.Entry<String, String>> headers, long now, EnvoyHeaderMap.Operation failOn) {
    }

    public record ResponseSpec(List<Map.Entry<String, String>> headers, long now) {
    }

    /**
     * headers: name to expected joined value (null: absent); count: name to number of values; noPrefix: prefixes no
     * header name may start with; requestId: "kept", "fresh" or null; localReply and lastLog: null when not expected.
     */
    public record Expectation(Map<String, String> headers, Map<String, Integer> count, List<String> noPrefix,
            String requestId, LocalReply localReply, LastLog lastLog) {
        static final Expectation NONE = new Expectation(Map.of(), Map.of(), List.of(), null, null, null);
    }

    public record LocalReply(int status, String contentType, String bodyContains) {
    }

    public record LastLog(String level, String startsWith) {
    }

    public static EdgeCaseTable read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not valid JSON", e);
        }
        List<Map.Entry<String, String>> base = headers(root.path("base_request"));
        long now = root.path("now").asLong();
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            List<StreamSpec> streams = new ArrayList<>();
            for (JsonNode s : c.path("streams")) {
                streams.add(new StreamSpec(request(s.get("request"), base, now), expectation(s.get("expect_request")),
                        response(s.get("response"), now), expectation(s.get("expect_response"))));
            }
            cases.add(new Case(c.path("name").asText(), c.path("distinct_request_ids").asBoolean(false), streams));
        }
        return new EdgeCaseTable(base, now, cases);
    }

    /** A name or value: a piece, or a list of pieces joined; a piece is a string or {"repeat": s, "times": n}. */
    public static String text(JsonNode node, Integer counter) {
        String s;
        if (node.isArray()) {
            StringBuilder out = new StringBuilder();
            node.forEach(piece -> out.append(piece(piece)));
            s = out.toString();
        } else {
            s = piece(node);
        }
        return counter == null ? s : s.replace("{i}", counter.toString());
    }

    private static String piece(JsonNode piece) {
        if (piece.isTextual()) {
            return piece.asText();
        }
        if (!piece.path("repeat").isTextual() || !piece.path("times").canConvertToInt()) {
            throw new IllegalArgumentException("a piece is a string or {\"repeat\": s, \"times\": n}, not " + piece);
        }
        return piece.get("repeat").asText().repeat(piece.get("times").asInt());
    }

    private static RequestSpec request(JsonNode node, List<Map.Entry<String, String>> base, long now) {
        if (node == null) {
            return null;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (node.path("base").asBoolean(false)) {
            headers.addAll(base);
        }
        headers.addAll(headers(node.path("headers")));
        EnvoyHeaderMap.Operation failOn = node.has("fail_on")
                ? EnvoyHeaderMap.Operation.valueOf(node.get("fail_on").asText().toUpperCase(Locale.ROOT)) : null;
        return new RequestSpec(headers, node.path("now").asLong(now), failOn);
    }

    private static ResponseSpec response(JsonNode node, long now) {
        return node == null ? null : new ResponseSpec(headers(node.path("headers")), node.path("now").asLong(now));
    }

    private static List<Map.Entry<String, String>> headers(JsonNode list) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        addHeaders(list, null, out);
        return out;
    }

    private static void addHeaders(JsonNode list, Integer counter, List<Map.Entry<String, String>> out) {
        for (JsonNode h : list) {
            if (h.has("for")) {
                for (int i = h.get("for").get(0).asInt(); i <= h.get("for").get(1).asInt(); i++) {
                    addHeaders(h.get("headers"), i, out);
                }
            } else {
                out.add(new AbstractMap.SimpleImmutableEntry<>(text(h.get(0), counter), text(h.get(1), counter)));
            }
        }
    }

    private static Expectation expectation(JsonNode node) {
        if (node == null) {
            return Expectation.NONE;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").fields().forEachRemaining(e ->
                headers.put(e.getKey(), e.getValue().isNull() ? null : text(e.getValue(), null)));
        Map<String, Integer> count = new LinkedHashMap<>();
        node.path("count").fields().forEachRemaining(e -> count.put(e.getKey(), e.getValue().asInt()));
        List<String> noPrefix = new ArrayList<>();
        node.path("no_prefix").forEach(p -> noPrefix.add(p.asText()));
        JsonNode reply = node.get("local_reply");
        JsonNode log = node.get("last_log");
        return new Expectation(headers, count, noPrefix, node.hasNonNull("request_id") ? node.get("request_id").asText() : null,
                reply == null ? null : new LocalReply(reply.path("status").asInt(), reply.path("content_type").asText(),
                        reply.path("body_contains").asText()),
                log == null ? null : new LastLog(log.path("level").asText(), log.path("starts_with").asText()));
    }
}
