package dev.strangler.gateway.shadow;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * How a value appears in a stored mismatch sample, which the migration endpoint and the dashboard show to anyone
 * who can reach the management port: truncated, and with credentials removed. A backend that echoes request
 * headers would otherwise put the client's cookie or token into the sample.
 */
final class ShownValue {

    static final int MAX_CHARS = 200;
    static final String REDACTED = "(redacted)";
    private static final Set<String> SENSITIVE = Set.of("authorization", "cookie", "set-cookie", "proxy-authorization");

    private ShownValue() {
    }

    static boolean sensitive(String name) {
        return SENSITIVE.contains(name.toLowerCase(Locale.ROOT));
    }

    /** A JSON value found under {@code field}, as JSON text; null when absent. */
    static String json(String field, JsonNode value) {
        if (value == null) {
            return null;
        }
        if (sensitive(field)) {
            return REDACTED;
        }
        return truncate(redacted(value).toString());
    }

    static String text(String value) {
        return value == null ? null : truncate(value);
    }

    static String truncate(String value) {
        return value.length() <= MAX_CHARS ? value : value.substring(0, MAX_CHARS) + "…";
    }

    private static JsonNode redacted(JsonNode value) {
        if (!containsSensitiveField(value)) {
            return value;
        }
        JsonNode copy = value.deepCopy();
        redactInPlace(copy);
        return copy;
    }

    private static boolean containsSensitiveField(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (sensitive(field.getKey()) || containsSensitiveField(field.getValue())) {
                    return true;
                }
            }
        }
        else if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsSensitiveField(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void redactInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (sensitive(field.getKey())) {
                    field.setValue(TextNode.valueOf(REDACTED));
                }
                else {
                    redactInPlace(field.getValue());
                }
            }
        }
        else if (node.isArray()) {
            node.forEach(ShownValue::redactInPlace);
        }
    }
}
