package dev.strangler.gateway.shadow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

import dev.strangler.gateway.observe.MismatchSample.Difference;
import dev.strangler.gateway.routes.ShadowSpec;

/**
 * Compares the primary's and the shadow's answers by a route's {@code compare} settings: the status, the selected
 * headers (never Authorization, Cookie or Set-Cookie, whatever the table says), and the body, structurally when both
 * sides sent JSON and byte for byte otherwise.
 */
final class ResponseComparison {

    static final int MAX_DIFFERENCES = 20;

    /** Keeps numbers exactly as written, so a sample shows 10.00 rather than 1E+1. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final List<String> headers;
    private final JsonComparison json;

    ResponseComparison(ShadowSpec.Compare compare) {
        this.headers = compare.headers().stream().filter(h -> !ShownValue.sensitive(h)).toList();
        this.json = new JsonComparison(compare.ignore(), compare.numericTolerance(), MAX_DIFFERENCES);
    }

    /** At most {@value #MAX_DIFFERENCES} differences; empty when the answers match. */
    List<Difference> compare(CapturedResponse primary, CapturedResponse shadow) {
        List<Difference> out = new ArrayList<>();
        if (primary.status() != shadow.status()) {
            out.add(new Difference("status", Integer.toString(primary.status()), Integer.toString(shadow.status())));
        }
        for (String name : headers) {
            String p = joined(primary.headers(), name);
            String s = joined(shadow.headers(), name);
            if (!sameHeader(name, p, s)) {
                out.add(new Difference("header:" + name, ShownValue.text(p), ShownValue.text(s)));
            }
        }
        JsonNode primaryJson = json(primary);
        JsonNode shadowJson = primaryJson == null ? null : json(shadow);
        if (primaryJson != null && shadowJson != null) {
            for (Difference d : json.compare(primaryJson, shadowJson)) {
                if (out.size() == MAX_DIFFERENCES) {
                    break;
                }
                out.add(d);
            }
        }
        else if (!Arrays.equals(primary.body(), shadow.body()) && out.size() < MAX_DIFFERENCES) {
            out.add(new Difference("body", describe(primary), describe(shadow)));
        }
        return List.copyOf(out);
    }

    private static String joined(HttpHeaders headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    private static boolean sameHeader(String name, String primary, String shadow) {
        if (primary == null || shadow == null) {
            return primary == shadow;
        }
        if (name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
            MediaType p = mediaType(primary);
            MediaType s = mediaType(shadow);
            if (p != null && s != null) {
                return p.equals(s);
            }
        }
        return primary.equals(shadow);
    }

    private static JsonNode json(CapturedResponse response) {
        MediaType type = mediaType(response.headers().getFirst(HttpHeaders.CONTENT_TYPE));
        if (type == null || response.body().length == 0 || !isJson(type)) {
            return null;
        }
        try {
            return JSON.readTree(response.body());
        }
        catch (IOException e) {
            return null;
        }
    }

    private static boolean isJson(MediaType type) {
        return type.getSubtype().equals("json") || type.getSubtype().endsWith("+json");
    }

    private static MediaType mediaType(String value) {
        if (value == null) {
            return null;
        }
        try {
            return MediaType.parseMediaType(value);
        }
        catch (InvalidMediaTypeException e) {
            return null;
        }
    }

    /** The body as text when it is text, else only its size, so binary never lands in a sample. */
    private static String describe(CapturedResponse response) {
        byte[] body = response.body();
        MediaType type = mediaType(response.headers().getFirst(HttpHeaders.CONTENT_TYPE));
        boolean text = type != null && (type.getType().equals("text") || isJson(type) || type.getSubtype().endsWith("xml"));
        if (!text) {
            return "(" + body.length + " bytes)";
        }
        int n = Math.min(body.length, ShownValue.MAX_CHARS * 4);
        return ShownValue.truncate(new String(body, 0, n, StandardCharsets.UTF_8));
    }
}
