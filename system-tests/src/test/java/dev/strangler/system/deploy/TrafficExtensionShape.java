package dev.strangler.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * fabric8's Istio model predates TrafficExtension (extensions.istio.io/v1alpha1, Istio 1.30), so it is
 * checked against the structure of Istio's CRD for it (istio/api extensions/v1alpha1/traffic_extension.proto):
 * at most one of selector and targetRefs, exactly one of wasm and lua, lua.inlineCode of 1 to 65,536 characters.
 */
final class TrafficExtensionShape {

    static final String API_VERSION = "extensions.istio.io/v1alpha1";
    static final int MAX_INLINE_CODE = 65_536;

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> SPEC = Set.of("selector", "targetRefs", "phase", "priority", "match", "wasm", "lua");
    private static final Set<String> PHASES = Set.of("UNSPECIFIED", "AUTHN", "AUTHZ", "STATS");
    private static final Set<String> MODES = Set.of("UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER");

    private TrafficExtensionShape() {
    }

    static boolean applies(YamlDocument document) {
        return API_VERSION.equals(document.apiVersion()) && "TrafficExtension".equals(document.kind());
    }

    static List<String> violations(YamlDocument document) {
        JsonNode tree = document.tree();
        JsonNode spec = tree.path("spec");
        List<String> problems = new ArrayList<>();
        onlyFields(tree, TOP, "", problems);
        onlyFields(tree.path("metadata"), Set.of("name", "namespace", "labels", "annotations"), "metadata", problems);
        if (!tree.path("metadata").path("name").isTextual()) {
            problems.add("metadata.name is missing");
        }
        if (!spec.isObject()) {
            problems.add("spec is required");
            return prefix(document, problems);
        }
        onlyFields(spec, SPEC, "spec", problems);
        if (spec.has("selector") && spec.has("targetRefs")) {
            problems.add("only one of targetRefs or selector can be set");
        }
        if (spec.has("wasm") == spec.has("lua")) {
            problems.add("exactly one of wasm or lua must be set");
        }
        onlyFields(spec.path("selector"), Set.of("matchLabels"), "spec.selector", problems);
        for (JsonNode ref : spec.path("targetRefs")) {
            onlyFields(ref, Set.of("group", "kind", "name", "namespace"), "spec.targetRefs[]", problems);
        }
        if (spec.has("phase") && !PHASES.contains(spec.get("phase").asText())) {
            problems.add("spec.phase must be one of " + PHASES);
        }
        if (spec.has("priority") && !spec.get("priority").canConvertToInt()) {
            problems.add("spec.priority must be an int32");
        }
        for (JsonNode match : spec.path("match")) {
            onlyFields(match, Set.of("mode", "ports"), "spec.match[]", problems);
            if (match.has("mode") && !MODES.contains(match.get("mode").asText())) {
                problems.add("spec.match[].mode must be one of " + MODES);
            }
            for (JsonNode port : match.path("ports")) {
                onlyFields(port, Set.of("number"), "spec.match[].ports[]", problems);
            }
        }
        if (spec.has("lua")) {
            onlyFields(spec.get("lua"), Set.of("inlineCode"), "spec.lua", problems);
            String code = spec.get("lua").path("inlineCode").asText("");
            if (code.isEmpty() || code.length() > MAX_INLINE_CODE) {
                problems.add("spec.lua.inlineCode must hold 1 to " + MAX_INLINE_CODE + " characters, has " + code.length());
            }
        }
        return prefix(document, problems);
    }

    private static List<String> prefix(YamlDocument document, List<String> problems) {
        return problems.stream().map(p -> document + ": " + p).toList();
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String where, List<String> problems) {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            problems.add(where + " must be a mapping");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                problems.add("unknown field " + (where.isEmpty() ? "" : where + ".") + field);
            }
        }
    }
}
