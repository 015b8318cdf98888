package dev.strangler.gateway.routes;

import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.PropertyPlaceholderHelper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads routes.yaml into a {@link MigrationTable}, or into the full list of what is wrong with it,
 * each at its file:line:column and with what to write instead.
 */
public final class RoutesParser {

    static final Set<String> TOP_KEYS = Set.of("backends", "defaultBackend", "routes");
    static final Set<String> BACKEND_KEYS = Set.of("url");
    static final Set<String> ROUTE_KEYS = orderedSet("id", "paths", "methods", "backend", "stage", "rewrite", "timeout",
            "retries", "circuitBreaker", "fallback", "canary", "shadow", "advice");
    static final Set<String> REWRITE_KEYS = orderedSet("prefix", "to");
    static final Set<String> BREAKER_KEYS = orderedSet("failureRate", "window", "openFor");
    static final Set<String> CANARY_KEYS = orderedSet("percent", "stickyBy");
    static final Set<String> SHADOW_KEYS = orderedSet("percent", "allowWrites", "compare");
    static final Set<String> COMPARE_KEYS = orderedSet("ignore", "numericTolerance", "headers");
    static final Set<String> ADVICE_KEYS = orderedSet("minSamples", "minParity");
    static final Set<String> STAGES = orderedSet("legacy", "shadow", "canary", "migrated");
    static final Set<String> METHODS = orderedSet("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private final Function<String, String> environment;
    private final Clock clock;

    public RoutesParser(Function<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    /** Resolves placeholders from the process environment, then from system properties. */
    public static RoutesParser withSystemEnvironment() {
        return new RoutesParser(name -> {
            String value = System.getenv(name);
            return value != null ? value : System.getProperty(name);
        }, Clock.systemUTC());
    }

    public ParseResult parse(String file, byte[] content) {
        String hash = sha256Of(content);
        YamlDocument doc = new YamlDocument(file);
        Node root;
        try {
            List<Node> documents = new ArrayList<>();
            new Yaml(new LoaderOptions()).composeAll(new StringReader(new String(content, StandardCharsets.UTF_8)))
                    .forEach(documents::add);
            if (documents.isEmpty()) {
                doc.error(new SourceLocation(file, 1, 1), "the file is empty; write at least \"defaultBackend:\", \"backends:\" and \"routes:\"");
                return ParseResult.failed(doc.diagnostics(), hash);
            }
            if (documents.size() > 1) {
                doc.error(documents.get(1), "only one YAML document is allowed; remove the second '---' and what follows it, or merge it into the first");
            }
            root = documents.get(0);
        }
        catch (MarkedYAMLException e) {
            var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            var where = mark == null ? new SourceLocation(file, 1, 1) : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
            boolean braceInFlowList = e.getContext() != null && e.getContext().contains("flow sequence")
                    && e.getProblem() != null && e.getProblem().contains("{");
            doc.error(where, "YAML syntax: " + e.getProblem() + (e.getContext() != null ? " (" + e.getContext() + ")" : "")
                    + (braceInFlowList ? "; quote path patterns that contain { }, as in [\"/api/orders/{id}\"]"
                            : "; check the indentation and quoting on this line"));
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        catch (YAMLException e) {
            doc.error(new SourceLocation(file, 1, 1), "YAML syntax: " + e.getMessage());
            return ParseResult.failed(doc.diagnostics(), hash);
        }

        Map<String, NodeTuple> top = doc.mapping(root, "the routes file", TOP_KEYS);
        if (top == null) {
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        Map<String, Backend> backends = backends(doc, top, root);
        String defaultBackend = defaultBackend(doc, top, root, backends);
        List<RouteSpec> routes = routes(doc, top, root, backends, defaultBackend);
        List<RouteSpec> valid = routes.stream().filter(r -> r != null).toList();
        if (valid.size() == routes.size()) {
            new OverlapCheck(doc).check(valid);
        }
        if (doc.diagnostics().stream().anyMatch(Diagnostic::isError)) {
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        var table = new MigrationTable(Map.copyOf(backends), defaultBackend, valid, file, hash, clock.instant());
        return ParseResult.ok(table, doc.diagnostics());
    }

    private Map<String, Backend> backends(YamlDocument doc, Map<String, NodeTuple> top, Node root) {
        Map<String, Backend> backends = new LinkedHashMap<>();
        NodeTuple entry = top.get("backends");
        if (entry == null) {
            doc.error(root, "missing 'backends'; write for example:\nbackends:\n  legacy: { url: \"${LEGACY_URL:http://localhost:8081}\" }");
            return backends;
        }
        Map<String, NodeTuple> byName = doc.mapping(entry.getValueNode(), "backends", null);
        if (byName == null) {
            return backends;
        }
        for (var e : byName.entrySet()) {
            String name = e.getKey();
            Node keyNode = e.getValue().getKeyNode();
            if (!NAME.matcher(name).matches()) {
                doc.error(keyNode, "backend name '" + name + "' must be lower-case letters, digits and '-', for example \"orders\"");
                continue;
            }
            Map<String, NodeTuple> fields = doc.mapping(e.getValue().getValueNode(), "backend '" + name + "'", BACKEND_KEYS);
            if (fields == null) {
                continue;
            }
            NodeTuple url = fields.get("url");
            if (url == null) {
                doc.error(keyNode, "backend '" + name + "' needs a url, for example { url: \"http://localhost:8081\" }");
                continue;
            }
            URI uri = url(doc, url.getValueNode(), name);
            if (uri != null) {
                backends.put(name, new Backend(name, uri));
            }
        }
        if (backends.isEmpty() && byName.isEmpty()) {
            doc.error(entry.getValueNode(), "'backends' is empty; define at least the legacy monolith");
        }
        return backends;
    }

    private URI url(YamlDocument doc, Node node, String backend) {
        String raw = doc.string(node, "url");
        if (raw == null) {
            return null;
        }
        String resolved;
        try {
            resolved = new PropertyPlaceholderHelper("${", "}", ":", null, false).replacePlaceholders(raw, environment::apply);
        }
        catch (IllegalArgumentException e) {
            doc.error(node, "backend '" + backend + "': " + e.getMessage()
                    + "; set that environment variable or give a default, as in \"${LEGACY_URL:http://localhost:8081}\"");
            return null;
        }
        try {
            URI uri = new URI(resolved);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                doc.error(node, "backend '" + backend + "' url \"" + resolved + "\" must start with http:// or https://");
                return null;
            }
            if (uri.getHost() == null) {
                doc.error(node, "backend '" + backend + "' url \"" + resolved + "\" has no host; write for example \"http://localhost:8081\"");
                return null;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                doc.error(node, "backend '" + backend + "' url must be scheme://host:port[/base-path], without user info, query or fragment");
                return null;
            }
            return uri;
        }
        catch (URISyntaxException e) {
            doc.error(node, "backend '" + backend + "' url \"" + resolved + "\" is not a valid URL (" + e.getReason()
                    + "); write for example \"http://localhost:8081\"");
            return null;
        }
    }

    private String defaultBackend(YamlDocument doc, Map<String, NodeTuple> top, Node root, Map<String, Backend> backends) {
        NodeTuple entry = top.get("defaultBackend");
        if (entry == null) {
            doc.error(root, "missing 'defaultBackend'; write \"defaultBackend: legacy\" (the backend that serves every unmatched request)");
            return null;
        }
        String name = doc.string(entry.getValueNode(), "defaultBackend");
        if (name != null && !backends.containsKey(name)) {
            unknownBackend(doc, entry.getValueNode(), "defaultBackend", name, backends);
            return null;
        }
        return name;
    }

    private void unknownBackend(YamlDocument doc, Node node, String field, String name, Map<String, Backend> backends) {
        doc.error(node, field + ": unknown backend '" + name + "'" + YamlDocument.suggestion(name, backends.keySet())
                + "; write one of the keys of 'backends': " + String.join(", ", backends.keySet()));
    }

    private List<RouteSpec> routes(YamlDocument doc, Map<String, NodeTuple> top, Node root, Map<String, Backend> backends,
            String defaultBackend) {
        NodeTuple entry = top.get("routes");
        if (entry == null) {
            doc.error(root, "missing 'routes'; write \"routes: []\" to send everything to the default backend");
            return List.of();
        }
        if (entry.getValueNode() instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return List.of();
        }
        List<Node> items = doc.list(entry.getValueNode(), "routes");
        if (items == null) {
            return List.of();
        }
        List<RouteSpec> routes = new ArrayList<>();
        Map<String, Node> ids = new LinkedHashMap<>();
        for (Node item : items) {
            RouteSpec route = new RouteReader(doc, item, backends, defaultBackend).read();
            routes.add(route);
            if (route != null) {
                Node first = ids.putIfAbsent(route.id(), item);
                if (first != null) {
                    doc.error(item, "duplicate route id '" + route.id() + "' (first used at " + doc.at(first)
                            + "); give each route its own id");
                }
            }
        }
        return routes;
    }

    /** Reads one route mapping. */
    private final class RouteReader {
        private final YamlDocument doc;
        private final Node node;
        private final Map<String, Backend> backends;
        private final String defaultBackend;
        private boolean failed;

        RouteReader(YamlDocument doc, Node node, Map<String, Backend> backends, String defaultBackend) {
            this.doc = doc;
            this.node = node;
            this.backends = backends;
            this.defaultBackend = defaultBackend;
        }

        RouteSpec read() {
            int before = errorCount();
            Map<String, NodeTuple> f = doc.mapping(node, "a route", ROUTE_KEYS);
            if (f == null) {
                return null;
            }
            String id = id(f);
            String label = id == null ? "route" : "route '" + id + "'";
            List<String> paths = paths(f, label);
            Set<String> methods = methods(f, label);
            String backend = backendRef(f, "backend");
            String stageName = stageName(f, label);
            Stage stage = stage(f, stageName, label, backend);
            RewriteSpec rewrite = rewrite(f, paths, label);
            Resilience resilience = resilience(f, backend);
            AdviceSpec advice = advice(f);
            failed |= errorCount() > before;
            if (failed || id == null || paths == null || stage == null) {
                return null;
            }
            return new RouteSpec(id, paths, methods, backend, stage, rewrite, resilience, advice, doc.at(node));
        }

        private int errorCount() {
            return (int) doc.diagnostics().stream().filter(Diagnostic::isError).count();
        }

        private String id(Map<String, NodeTuple> f) {
            NodeTuple t = f.get("id");
            if (t == null) {
                doc.error(node, "a route needs an id, for example \"id: orders-api\"");
                return null;
            }
            String id = doc.string(t.getValueNode(), "id");
            if (id != null && !NAME.matcher(id).matches()) {
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

        private String backendRef(Map<String, NodeTuple> f, String field) {
            NodeTuple t = f.get(field);
            if (t == null) {
                return null;
            }
            String name = doc.string(t.getValueNode(), field);
            if (name != null && !backends.containsKey(name)) {
                unknownBackend(doc, t.getValueNode(), field, name, backends);
                failed = true;
                return null;
            }
            return name;
        }

        private String stageName(Map<String, NodeTuple> f, String label) {
            NodeTuple t = f.get("stage");
            if (t == null) {
                doc.error(node, label + " needs a stage; write \"stage: legacy\" (or shadow, canary, migrated)");
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

        private Stage stage(Map<String, NodeTuple> f, String stageName, String label, String backend) {
            if (stageName == null) {
                return null;
            }
            misplaced(f, "canary", stageName, "canary");
            misplaced(f, "shadow", stageName, "shadow");
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
                case "canary" -> canary(f, label);
                case "shadow" -> shadow(f, label);
                default -> null;
            };
        }

        private void misplaced(Map<String, NodeTuple> f, String key, String stageName, String ownStage) {
            NodeTuple t = f.get(key);
            if (t != null && !stageName.equals(ownStage)) {
                doc.error(t.getKeyNode(), "'" + key + "' only applies to stage " + ownStage + ", but this route is at stage "
                        + stageName + "; remove it or write \"stage: " + ownStage + "\"");
            }
        }

        private Stage canary(Map<String, NodeTuple> f, String label) {
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
            Double percent = required(c, "percent", t.getKeyNode(), "canary needs percent, for example \"percent: 10\"",
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
            if (!(kind.equals("header") || kind.equals("cookie")) || !HEADER_NAME.matcher(name).matches()) {
                doc.error(n, "stickyBy \"" + text + "\" must be \"header:<Name>\" or \"cookie:<Name>\", for example \"cookie:strangler_cohort\"");
                return null;
            }
            if (kind.equals("header") && name.regionMatches(true, 0, "X-Strangler-", 0, 12)) {
                doc.error(n, "stickyBy header '" + name + "' starts with X-Strangler-, which the gateway strips from clients; "
                        + "use another header, for example \"header:x-migration-cohort\"");
                return null;
            }
            return new CanarySpec.StickyKey(kind.equals("header") ? CanarySpec.StickyKey.Source.HEADER : CanarySpec.StickyKey.Source.COOKIE, name);
        }

        private Stage shadow(Map<String, NodeTuple> f, String label) {
            NodeTuple t = f.get("shadow");
            if (t == null) {
                return new Stage.Shadow(ShadowSpec.DEFAULT);
            }
            Map<String, NodeTuple> s = doc.mapping(t.getValueNode(), "shadow", SHADOW_KEYS);
            if (s == null) {
                return null;
            }
            double percent = optional(s, "percent", 100.0, n -> doc.number(n, "shadow.percent", 0, 100));
            boolean allowWrites = optional(s, "allowWrites", false, n -> doc.bool(n, "shadow.allowWrites"));
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
            double tolerance = optional(c, "numericTolerance", 0.0, v -> doc.number(v, "numericTolerance", 0, Double.MAX_VALUE));
            List<String> headers = new ArrayList<>(ShadowSpec.Compare.DEFAULT.headers());
            if (c.containsKey("headers")) {
                headers.clear();
                List<Node> items = doc.list(c.get("headers").getValueNode(), "shadow.compare.headers");
                for (Node item : items == null ? List.<Node>of() : items) {
                    String h = doc.string(item, "a header name");
                    if (h != null && !HEADER_NAME.matcher(h).matches()) {
                        doc.error(item, "\"" + h + "\" is not a header name; write for example Content-Type");
                    }
                    else if (h != null) {
                        headers.add(h);
                    }
                }
            }
            return new ShadowSpec.Compare(List.copyOf(ignore), tolerance, List.copyOf(headers));
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
            String prefix = required(r, "prefix", t.getKeyNode(), "rewrite needs prefix, for example \"prefix: /api/orders\"",
                    n -> doc.string(n, "rewrite.prefix"));
            String to = required(r, "to", t.getKeyNode(), "rewrite needs to, for example \"to: /orders\"",
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
            var spec = new RewriteSpec(prefix, to);
            for (String path : paths == null ? List.<String>of() : paths) {
                String literal = literalHead(path);
                if (!(literal + "/").startsWith(prefix.equals("/") ? "/" : prefix + "/") && !literal.equals(prefix)) {
                    doc.error(r.get("prefix").getValueNode(), label + ": rewrite.prefix \"" + prefix + "\" does not start path \""
                            + path + "\"; the prefix must cover the literal start of every path of the route");
                }
            }
            return spec;
        }

        private String literalHead(String path) {
            try {
                return RoutePattern.parse(path).literalPrefix();
            }
            catch (RoutePattern.InvalidPatternException e) {
                return path;
            }
        }

        private Resilience resilience(Map<String, NodeTuple> f, String backend) {
            Duration timeout = f.containsKey("timeout") ? duration(f.get("timeout").getValueNode(), "timeout") : null;
            int retries = optional(f, "retries", 0L, n -> doc.integer(n, "retries", 0, 10)).intValue();
            Resilience.CircuitBreakerSpec breaker = null;
            NodeTuple cb = f.get("circuitBreaker");
            if (cb != null) {
                Map<String, NodeTuple> c = doc.mapping(cb.getValueNode(), "circuitBreaker", BREAKER_KEYS);
                if (c != null) {
                    int rate = optional(c, "failureRate", 50L, n -> doc.integer(n, "circuitBreaker.failureRate", 1, 100)).intValue();
                    int window = optional(c, "window", 20L, n -> doc.integer(n, "circuitBreaker.window", 2, 10_000)).intValue();
                    Duration openFor = c.containsKey("openFor") ? duration(c.get("openFor").getValueNode(), "circuitBreaker.openFor")
                            : Duration.ofSeconds(10);
                    breaker = new Resilience.CircuitBreakerSpec(rate, window, openFor == null ? Duration.ofSeconds(10) : openFor);
                }
            }
            String fallback = backendRef(f, "fallback");
            if (fallback != null && fallback.equals(backend)) {
                doc.error(f.get("fallback").getValueNode(), "fallback '" + fallback + "' is the route's own backend; "
                        + "name another backend, usually \"fallback: " + (defaultBackend == null ? "legacy" : defaultBackend) + "\"");
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
            long minSamples = optional(a, "minSamples", AdviceSpec.DEFAULT.minSamples(), n -> doc.integer(n, "advice.minSamples", 1, Long.MAX_VALUE));
            double minParity = optional(a, "minParity", AdviceSpec.DEFAULT.minParity(), n -> doc.number(n, "advice.minParity", 0, 100));
            return new AdviceSpec(minSamples, minParity);
        }

        private Duration duration(Node n, String what) {
            String text = doc.string(n, what);
            if (text == null) {
                return null;
            }
            try {
                if (text.isEmpty() || !Character.isLetter(text.charAt(text.length() - 1))) {
                    throw new IllegalArgumentException("a duration needs a unit");
                }
                Duration d = DurationStyle.SIMPLE.parse(text);
                if (d.isZero() || d.isNegative() || d.compareTo(MAX_TIMEOUT) > 0) {
                    doc.error(n, what + " must be above 0 and at most 10m, not " + text);
                    return null;
                }
                return d;
            }
            catch (IllegalArgumentException e) {
                doc.error(n, what + " \"" + text + "\" is not a duration; write a number with a unit: 500ms, 3s or 1m");
                return null;
            }
        }

        private <T> T optional(Map<String, NodeTuple> map, String key, T fallback, Function<Node, T> read) {
            NodeTuple t = map.get(key);
            if (t == null) {
                return fallback;
            }
            T value = read.apply(t.getValueNode());
            return value == null ? fallback : value;
        }

        private <T> T required(Map<String, NodeTuple> map, String key, Node owner, String missing, Function<Node, T> read) {
            NodeTuple t = map.get(key);
            if (t == null) {
                doc.error(owner, missing);
                return null;
            }
            return read.apply(t.getValueNode());
        }
    }

    private static Set<String> orderedSet(String... values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    public static String sha256Of(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
