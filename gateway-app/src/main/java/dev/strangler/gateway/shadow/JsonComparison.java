package dev.strangler.gateway.shadow;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strangler.gateway.observe.MismatchSample.Difference;

/**
 * Compares two JSON documents structurally and lists where they differ as JSON pointers.
 * <ul>
 * <li>Field order does not matter; array order does.</li>
 * <li>Numbers compare by value ({@code 12.5} equals {@code 12.50}), within an absolute tolerance.</li>
 * <li>An ignored pointer skips that node and everything under it. In an ignore pointer, a {@code *} token matches any
 * array index or field name, so {@code /content/*}{@code /createdAt} ignores the timestamp of every element.</li>
 * <li>A field or element present on one side only is one difference, with null on the side that lacks it; a JSON
 * {@code null} value is shown as the text {@code null}, so the two cases stay apart.</li>
 * </ul>
 * Values are shown as JSON text, truncated, with credentials redacted (see {@link ShownValue}).
 */
public final class JsonComparison {

    static final String ANY = "*";

    private final List<List<String>> ignore;
    private final BigDecimal tolerance;
    private final int maxDifferences;

    /**
     * @param ignore           JSON pointers (RFC 6901, {@code ~0} and {@code ~1} escapes) with {@code *} as a wildcard token
     * @param numericTolerance largest absolute difference between two numbers that still counts as equal
     * @param maxDifferences   the comparison stops after this many differences
     */
    public JsonComparison(List<String> ignore, double numericTolerance, int maxDifferences) {
        if (numericTolerance < 0 || Double.isNaN(numericTolerance)) {
            throw new IllegalArgumentException("numericTolerance must be zero or positive, was " + numericTolerance);
        }
        if (maxDifferences < 1) {
            throw new IllegalArgumentException("maxDifferences must be at least 1, was " + maxDifferences);
        }
        this.ignore = ignore.stream().map(JsonComparison::tokens).toList();
        this.tolerance = BigDecimal.valueOf(numericTolerance);
        this.maxDifferences = maxDifferences;
    }

    /** The differences between the two documents, in document order, at most {@code maxDifferences}; empty when equal. */
    public List<Difference> compare(JsonNode primary, JsonNode shadow) {
        List<Difference> out = new ArrayList<>();
        compare(primary, shadow, new ArrayList<>(), out);
        return List.copyOf(out);
    }

    private void compare(JsonNode primary, JsonNode shadow, List<String> path, List<Difference> out) {
        if (out.size() >= maxDifferences || ignored(path)) {
            return;
        }
        if (primary == null || shadow == null) {
            out.add(difference(path, primary, shadow));
        }
        else if (primary.isNumber() && shadow.isNumber()) {
            if (primary.decimalValue().subtract(shadow.decimalValue()).abs().compareTo(tolerance) > 0) {
                out.add(difference(path, primary, shadow));
            }
        }
        else if (primary.getNodeType() != shadow.getNodeType()) {
            out.add(difference(path, primary, shadow));
        }
        else if (primary.isObject()) {
            compareObjects(primary, shadow, path, out);
        }
        else if (primary.isArray()) {
            compareArrays(primary, shadow, path, out);
        }
        else if (!primary.equals(shadow)) {
            out.add(difference(path, primary, shadow));
        }
    }

    private void compareObjects(JsonNode primary, JsonNode shadow, List<String> path, List<Difference> out) {
        for (Map.Entry<String, JsonNode> field : primary.properties()) {
            path.add(field.getKey());
            compare(field.getValue(), shadow.get(field.getKey()), path, out);
            path.remove(path.size() - 1);
        }
        for (Map.Entry<String, JsonNode> field : shadow.properties()) {
            if (!primary.has(field.getKey())) {
                path.add(field.getKey());
                compare(null, field.getValue(), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private void compareArrays(JsonNode primary, JsonNode shadow, List<String> path, List<Difference> out) {
        int length = Math.max(primary.size(), shadow.size());
        for (int i = 0; i < length && out.size() < maxDifferences; i++) {
            path.add(Integer.toString(i));
            compare(primary.get(i), shadow.get(i), path, out);
            path.remove(path.size() - 1);
        }
    }

    private boolean ignored(List<String> path) {
        for (List<String> pattern : ignore) {
            if (pattern.size() == path.size() && matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(List<String> pattern, List<String> path) {
        for (int i = 0; i < pattern.size(); i++) {
            String token = pattern.get(i);
            if (!token.equals(ANY) && !token.equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Difference difference(List<String> path, JsonNode primary, JsonNode shadow) {
        String field = path.isEmpty() ? "" : path.get(path.size() - 1);
        return new Difference(pointer(path), ShownValue.json(field, primary), ShownValue.json(field, shadow));
    }

    static String pointer(List<String> path) {
        StringBuilder sb = new StringBuilder();
        for (String token : path) {
            sb.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    static List<String> tokens(String pointer) {
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("ignore path \"" + pointer + "\" must be a JSON pointer starting with '/'");
        }
        List<String> tokens = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return List.copyOf(tokens);
    }
}
