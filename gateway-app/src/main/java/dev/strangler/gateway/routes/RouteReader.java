package dev.strangler.gateway.routes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Reads one entry of {@code routes:}; every mistake in it is reported, not only the first. */
final class RouteReader {

    static final Set<String> ROUTE_KEYS = YamlDocument.orderedSet("id", "paths", "methods", "backend", "stage", "rewrite",
            "timeout", "retries", "circuitBreaker", "fallback", "canary", "shadow", "advice");
    static final Set<String> METHODS = YamlDocument.orderedSet("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final Set<String> REWRITE_KEYS = YamlDocument.orderedSet("prefix", "to");
    private static final Set<String> BREAKER_KEYS = YamlDocument.orderedSet("failureRate", "window", "openFor");
    private static final Set<String> ADVICE_KEYS = YamlDocument.orderedSet("minSamples", "minParity");
    private static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(10);

    private final YamlDocument doc;
    private final Node node;
    private final DeclaredBackends backends;

    RouteReader(YamlDocument doc, Node node, DeclaredBackends backends) {
        this.doc = doc;
        this.node = node;
        this.backends = backends;
    }

    /** The route, or null when anything in it is wrong (reported). */
    RouteSpec read() {
        int before = doc.errorCount();
        Map<String, NodeTuple> f = doc.mapping(node, "a route", ROUTE_KEYS);
        if (f == null) {
            return null;
        }
        String id = id(f);
        String label = id == null ? "route" : "route '" + id + "'";
        List<String> paths = paths(f, label);
        Set<String> methods = methods(f, label);
        String backend = backends.reference(doc, f, "backend");
        Stage stage = new StageReader(doc, node, f, label).read(backend, backends.defaultName());
        RewriteSpec rewrite = rewrite(f, paths, label);
        Resilience resilience = resilience(f, backend);
        AdviceSpec advice = advice(f);
        if (doc.errorCount() > before || id == null || paths == null || stage == null) {
            return null;
        }
        return new RouteSpec(id, paths, methods, backend, stage, rewrite, resilience, advice, doc.at(node));
    }

    private String id(Map<String, NodeTuple> f) {
        NodeTuple t = f.get("id");
        if (t == null) {
            doc.error(node, "a route needs an id, for example \"id: orders-api\"");
            return null;
        }
        String id = doc.string(t.getValueNode(), "id");
        if (id != null && !Names.isName(id)) {
            doc.error(t.getValueNode(), "route id '" + id + "' must be lower-case letters, digits and '-', for example \""
                    + id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-") + "\"");
            return null;
        }
        return id;
    }

    private List<String> paths(Map<String, NodeTuple> f, String label) {
        NodeTuple t = f.get("paths");
        if (t == null) {
            doc.error(node, label + " needs paths, for example \"paths: [/api/orders, /api/orders/**]\"");
            return null;
        }
        List<Node> items = doc.list(t.getValueNode(), "paths");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            doc.error(t.getValueNode(), label + " has no paths; list at least one, for example [/api/orders]");
            return null;
        }
        List<String> paths = new ArrayList<>();
        for (Node item : items) {
            String text = doc.string(item, "a path");
            if (text == null) {
                continue;
            }
            try {
                RoutePattern.parse(text);
                if (paths.contains(text)) {
                    doc.error(item, label + " lists path \"" + text + "\" twice; remove one");
                }
                paths.add(text);
            }
            catch (RoutePattern.InvalidPatternException e) {
                doc.error(doc.at(item, e.offset()), "bad path pattern \"" + text + "\": " + e.getMessage());
            }
        }
        return paths;
    }

    private Set<String> methods(Map<String, NodeTuple> f, String label) {
        NodeTuple t = f.get("methods");
        if (t == null) {
            return Set.of();
        }
        List<Node> items = doc.list(t.getValueNode(), "methods");
        if (items == null) {
            return Set.of();
        }
        if (items.isEmpty()) {
            doc.error(t.getValueNode(), label + ": an empty method list serves nothing; remove 'methods' to serve every method");
            return Set.of();
        }
        Set<String> methods = new LinkedHashSet<>();
        for (Node item : items) {
            String m = doc.string(item, "a method");
            if (m == null) {
                continue;
            }
            if (!METHODS.contains(m)) {
                String upper = m.toUpperCase(Locale.ROOT);
                doc.error(item, "unknown method '" + m + "'; write "
                        + (METHODS.contains(upper) ? upper : "one of " + String.join(", ", METHODS)));
                continue;
            }
            methods.add(m);
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return Set.copyOf(methods);
    }

    private RewriteSpec rewrite(Map<String, NodeTuple> f, List<String> paths, String label) {
        NodeTuple t = f.get("rewrite");
        if (t == null) {
            return null;
        }
        Map<String, NodeTuple> r = doc.mapping(t.getValueNode(), "rewrite", REWRITE_KEYS);
        if (r == null) {
            return null;
        }
        String prefix = doc.required(r, "prefix", t.getKeyNode(), "rewrite needs prefix, for example \"prefix: /api/orders\"",
                n -> doc.string(n, "rewrite.prefix"));
        String to = doc.required(r, "to", t.getKeyNode(), "rewrite needs to, for example \"to: /orders\"",
                n -> doc.string(n, "rewrite.to"));
        if (prefix == null || to == null) {
            return null;
        }
        if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
            doc.error(r.get("prefix").getValueNode(), "rewrite.prefix must start with '/' and not end with one, for example \"/api/orders\"");
            return null;
        }
        if (!to.startsWith("/") || (to.length() > 1 && to.endsWith("/"))) {
            doc.error(r.get("to").getValueNode(), "rewrite.to must start with '/' and not end with one, for example \"/orders\"");
            return null;
        }
        for (String path : paths == null ? List.<String>of() : paths) {
            String literal = literalHead(path);
            if (!(literal + "/").startsWith(prefix.equals("/") ? "/" : prefix + "/") && !literal.equals(prefix)) {
                doc.error(r.get("prefix").getValueNode(), label + ": rewrite.prefix \"" + prefix + "\" does not start path \""
                        + path + "\"; the prefix must cover the literal start of every path of the route");
            }
        }
        return new RewriteSpec(prefix, to);
    }

    private static String literalHead(String path) {
        try {
            return RoutePattern.parse(path).literalPrefix();
        }
        catch (RoutePattern.InvalidPatternException e) {
            return path;
        }
    }

    private Resilience resilience(Map<String, NodeTuple> f, String backend) {
        Duration timeout = f.containsKey("timeout") ? doc.duration(f.get("timeout").getValueNode(), "timeout") : null;
        int retries = doc.optional(f, "retries", 0L, n -> doc.integer(n, "retries", 0, 10)).intValue();
        Resilience.CircuitBreakerSpec breaker = null;
        NodeTuple cb = f.get("circuitBreaker");
        if (cb != null) {
            Map<String, NodeTuple> c = doc.mapping(cb.getValueNode(), "circuitBreaker", BREAKER_KEYS);
            if (c != null) {
                int rate = doc.optional(c, "failureRate", 50L, n -> doc.integer(n, "circuitBreaker.failureRate", 1, 100)).intValue();
                int window = doc.optional(c, "window", 20L, n -> doc.integer(n, "circuitBreaker.window", 2, 10_000)).intValue();
                Duration openFor = doc.optional(c, "openFor", DEFAULT_OPEN_FOR, n -> doc.duration(n, "circuitBreaker.openFor"));
                breaker = new Resilience.CircuitBreakerSpec(rate, window, openFor);
            }
        }
        String fallback = backends.reference(doc, f, "fallback");
        if (fallback != null && fallback.equals(backend)) {
            doc.error(f.get("fallback").getValueNode(), "fallback '" + fallback + "' is the route's own backend; name another backend, "
                    + "usually \"fallback: " + (backends.defaultName() == null ? "legacy" : backends.defaultName()) + "\"");
        }
        return new Resilience(timeout, retries, breaker, fallback);
    }

    private AdviceSpec advice(Map<String, NodeTuple> f) {
        NodeTuple t = f.get("advice");
        if (t == null) {
            return AdviceSpec.DEFAULT;
        }
        Map<String, NodeTuple> a = doc.mapping(t.getValueNode(), "advice", ADVICE_KEYS);
        if (a == null) {
            return AdviceSpec.DEFAULT;
        }
        long minSamples = doc.optional(a, "minSamples", AdviceSpec.DEFAULT.minSamples(),
                n -> doc.integer(n, "advice.minSamples", 1, Long.MAX_VALUE));
        double minParity = doc.optional(a, "minParity", AdviceSpec.DEFAULT.minParity(), n -> doc.number(n, "advice.minParity", 0, 100));
        return new AdviceSpec(minSamples, minParity);
    }
}
