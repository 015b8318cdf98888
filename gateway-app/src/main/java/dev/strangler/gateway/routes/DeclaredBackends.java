package dev.strangler.gateway.routes;

import java.util.Map;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The backends a routes file declares and its default one, which routes refer to by name.
 *
 * @param defaultName the default backend, or null when it is missing or unknown (already reported)
 */
record DeclaredBackends(Map<String, Backend> byName, String defaultName) {

    /**
     * The backend named under {@code field}, or null when the field is absent or names no declared backend; the
     * second case is reported, naming the backends that exist.
     */
    String reference(YamlDocument doc, Map<String, NodeTuple> fields, String field) {
        NodeTuple t = fields.get(field);
        if (t == null) {
            return null;
        }
        String name = doc.string(t.getValueNode(), field);
        if (name != null && !byName.containsKey(name)) {
            reportUnknown(doc, t.getValueNode(), field, name, byName);
            return null;
        }
        return name;
    }

    static void reportUnknown(YamlDocument doc, Node node, String field, String name, Map<String, Backend> byName) {
        doc.error(node, field + ": unknown backend '" + name + "'" + YamlDocument.suggestion(name, byName.keySet())
                + "; write one of the keys of 'backends': " + String.join(", ", byName.keySet()));
    }
}
