package dev.strangler.gateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strangler.gateway.http.Headers;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Reads a route's {@code stage:} and the block that stage takes ({@code canary:} or {@code shadow:}). */
final class StageReader {

    static final Set<String> STAGES = YamlDocument.orderedSet("legacy", "shadow", "canary", "migrated");
    private static final Set<String> CANARY_KEYS = YamlDocument.orderedSet("percent", "stickyBy");
    private static final Set<String> SHADOW_KEYS = YamlDocument.orderedSet("percent", "allowWrites", "compare");
    private static final Set<String> COMPARE_KEYS = YamlDocument.orderedSet("ignore", "numericTolerance", "headers");

    private final YamlDocument doc;
    private final Node route;
    private final Map<String, NodeTuple> f;
    private final String label;

    /**
     * @param route  the route's mapping node, where a missing stage is reported
     * @param fields the route's fields
     * @param label  how messages name the route
     */
    StageReader(YamlDocument doc, Node route, Map<String, NodeTuple> fields, String label) {
        this.doc = doc;
        this.route = route;
        this.f = fields;
        this.label = label;
    }

    /** The stage, or null when it is missing or wrong (reported). */
    Stage read(String backend, String defaultBackend) {
        String stageName = stageName();
        if (stageName == null) {
            return null;
        }
        misplaced("canary", stageName);
        misplaced("shadow", stageName);
        if (!stageName.equals("legacy") && f.get("backend") == null) {
            doc.error(f.get("stage").getValueNode(), label + " at stage " + stageName
                    + " needs 'backend': the new service it moves to, for example \"backend: orders\"");
            return null;
        }
        if (backend != null && backend.equals(defaultBackend) && !stageName.equals("legacy")) {
            doc.warning(f.get("backend").getValueNode(), label + ": backend '" + backend
                    + "' is also the defaultBackend, so stage " + stageName + " changes nothing");
        }
        return switch (stageName) {
            case "legacy" -> new Stage.Legacy();
            case "migrated" -> new Stage.Migrated();
            case "canary" -> canary();
            case "shadow" -> shadow();
            default -> null;
        };
    }

    private String stageName() {
        NodeTuple t = f.get("stage");
        if (t == null) {
            doc.error(route, label + " needs a stage; write \"stage: legacy\" (or shadow, canary, migrated)");
            return null;
        }
        String s = doc.string(t.getValueNode(), "stage");
        if (s != null && !STAGES.contains(s)) {
            doc.error(t.getValueNode(), "unknown stage '" + s + "'" + YamlDocument.suggestion(s, STAGES)
                    + "; write one of " + String.join(", ", STAGES));
            return null;
        }
        return s;
    }

    /** A stage's own block on a route at another stage is a mistake, not something to ignore. */
    private void misplaced(String ownStage, String stageName) {
        NodeTuple t = f.get(ownStage);
        if (t != null && !stageName.equals(ownStage)) {
            doc.error(t.getKeyNode(), "'" + ownStage + "' only applies to stage " + ownStage + ", but this route is at stage "
                    + stageName + "; remove it or write \"stage: " + ownStage + "\"");
        }
    }

    private Stage canary() {
        NodeTuple t = f.get("canary");
        if (t == null) {
            doc.error(f.get("stage").getValueNode(), label + " at stage canary needs a canary block, for example "
                    + "\"canary: { percent: 10, stickyBy: \\\"cookie:strangler_cohort\\\" }\"");
            return null;
        }
        Map<String, NodeTuple> c = doc.mapping(t.getValueNode(), "canary", CANARY_KEYS);
        if (c == null) {
            return null;
        }
        Double percent = doc.required(c, "percent", t.getKeyNode(), "canary needs percent, for example \"percent: 10\"",
                n -> doc.number(n, "canary.percent", 0, 100));
        if (percent != null && Math.abs(percent * 100 - Math.rint(percent * 100)) > 1e-9) {
            doc.error(c.get("percent").getValueNode(), "canary.percent has at most two decimals (10,000 buckets), for example 12.5");
            percent = null;
        }
        CanarySpec.StickyKey sticky = null;
        NodeTuple s = c.get("stickyBy");
        if (s == null) {
            doc.error(t.getKeyNode(), "canary needs stickyBy, for example \"stickyBy: cookie:strangler_cohort\" or \"header:X-User-Id\"");
        }
        else {
            sticky = stickyKey(s.getValueNode());
        }
        return percent == null || sticky == null ? null : new Stage.Canary(new CanarySpec(percent, sticky));
    }

    private CanarySpec.StickyKey stickyKey(Node n) {
        String text = doc.string(n, "canary.stickyBy");
        if (text == null) {
            return null;
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1);
        if (!(kind.equals("header") || kind.equals("cookie")) || !Names.isHeaderName(name)) {
            doc.error(n, "stickyBy \"" + text + "\" must be \"header:<Name>\" or \"cookie:<Name>\", for example \"cookie:strangler_cohort\"");
            return null;
        }
        if (kind.equals("header") && Headers.isStranglerHeader(name)) {
            doc.error(n, "stickyBy header '" + name + "' starts with X-Strangler-, which the gateway strips from clients; "
                    + "use another header, for example \"header:x-migration-cohort\"");
            return null;
        }
        return new CanarySpec.StickyKey(kind.equals("header") ? CanarySpec.StickyKey.Source.HEADER : CanarySpec.StickyKey.Source.COOKIE, name);
    }

    private Stage shadow() {
        NodeTuple t = f.get("shadow");
        if (t == null) {
            return new Stage.Shadow(ShadowSpec.DEFAULT);
        }
        Map<String, NodeTuple> s = doc.mapping(t.getValueNode(), "shadow", SHADOW_KEYS);
        if (s == null) {
            return null;
        }
        double percent = doc.optional(s, "percent", 100.0, n -> doc.number(n, "shadow.percent", 0, 100));
        boolean allowWrites = doc.optional(s, "allowWrites", false, n -> doc.bool(n, "shadow.allowWrites"));
        if (allowWrites) {
            doc.warning(s.get("allowWrites").getValueNode(), label + " copies writes to its backend: that service must treat "
                    + "requests marked X-Strangler-Shadow: true as a dry run (validate, persist nothing)");
        }
        ShadowSpec.Compare compare = ShadowSpec.Compare.DEFAULT;
        NodeTuple ct = s.get("compare");
        if (ct != null) {
            compare = compare(ct.getValueNode());
        }
        return compare == null ? null : new Stage.Shadow(new ShadowSpec(percent, allowWrites, compare));
    }

    private ShadowSpec.Compare compare(Node n) {
        Map<String, NodeTuple> c = doc.mapping(n, "shadow.compare", COMPARE_KEYS);
        if (c == null) {
            return null;
        }
        List<String> ignore = new ArrayList<>();
        if (c.containsKey("ignore")) {
            List<Node> items = doc.list(c.get("ignore").getValueNode(), "shadow.compare.ignore");
            for (Node item : items == null ? List.<Node>of() : items) {
                String pointer = doc.string(item, "an ignore path");
                if (pointer != null && !pointer.startsWith("/")) {
                    doc.error(item, "ignore path \"" + pointer + "\" must be a JSON pointer starting with '/', for example \"/content/*/createdAt\"");
                }
                else if (pointer != null) {
                    ignore.add(pointer);
                }
            }
        }
        double tolerance = doc.optional(c, "numericTolerance", 0.0, v -> doc.number(v, "numericTolerance", 0, Double.MAX_VALUE));
        List<String> headers = new ArrayList<>(ShadowSpec.Compare.DEFAULT.headers());
        if (c.containsKey("headers")) {
            headers.clear();
            List<Node> items = doc.list(c.get("headers").getValueNode(), "shadow.compare.headers");
            for (Node item : items == null ? List.<Node>of() : items) {
                String h = doc.string(item, "a header name");
                if (h != null && !Names.isHeaderName(h)) {
                    doc.error(item, "\"" + h + "\" is not a header name; write for example Content-Type");
                }
                else if (h != null) {
                    headers.add(h);
                }
            }
        }
        return new ShadowSpec.Compare(List.copyOf(ignore), tolerance, List.copyOf(headers));
    }
}
