package dev.strangler.gateway.routes;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads routes.yaml into a {@link MigrationTable}, or into the full list of what is wrong with it,
 * each at its file:line:column and with what to write instead. {@link BackendsReader} reads the backends,
 * {@link RouteReader} each route, and {@link OverlapCheck} the routes against each other.
 */
public final class RoutesParser {

    static final Set<String> TOP_KEYS = Set.of("backends", "defaultBackend", "routes");

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
        Node root = root(doc, file, content);
        if (root == null) {
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        Map<String, NodeTuple> top = doc.mapping(root, "the routes file", TOP_KEYS);
        if (top == null) {
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        DeclaredBackends backends = new BackendsReader(doc, environment).read(top, root);
        List<RouteSpec> routes = routes(doc, top, root, backends);
        List<RouteSpec> valid = routes.stream().filter(Objects::nonNull).toList();
        if (valid.size() == routes.size()) {
            new OverlapCheck(doc).check(valid);
        }
        if (doc.hasErrors()) {
            return ParseResult.failed(doc.diagnostics(), hash);
        }
        var table = new MigrationTable(Map.copyOf(backends.byName()), backends.defaultName(), valid, file, hash, clock.instant());
        return ParseResult.ok(table, doc.diagnostics());
    }

    /** The file's one YAML document, or null when there is none or it does not parse (reported). */
    private static Node root(YamlDocument doc, String file, byte[] content) {
        try {
            List<Node> documents = new ArrayList<>();
            new Yaml(new LoaderOptions()).composeAll(new StringReader(new String(content, StandardCharsets.UTF_8)))
                    .forEach(documents::add);
            if (documents.isEmpty()) {
                doc.error(new SourceLocation(file, 1, 1), "the file is empty; write at least \"defaultBackend:\", \"backends:\" and \"routes:\"");
                return null;
            }
            if (documents.size() > 1) {
                doc.error(documents.get(1), "only one YAML document is allowed; remove the second '---' and what follows it, or merge it into the first");
            }
            return documents.get(0);
        }
        catch (MarkedYAMLException e) {
            var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            var where = mark == null ? new SourceLocation(file, 1, 1) : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
            boolean braceInFlowList = e.getContext() != null && e.getContext().contains("flow sequence")
                    && e.getProblem() != null && e.getProblem().contains("{");
            doc.error(where, "YAML syntax: " + e.getProblem() + (e.getContext() != null ? " (" + e.getContext() + ")" : "")
                    + (braceInFlowList ? "; quote path patterns that contain { }, as in [\"/api/orders/{id}\"]"
                            : "; check the indentation and quoting on this line"));
            return null;
        }
        catch (YAMLException e) {
            doc.error(new SourceLocation(file, 1, 1), "YAML syntax: " + e.getMessage());
            return null;
        }
    }

    private static List<RouteSpec> routes(YamlDocument doc, Map<String, NodeTuple> top, Node root, DeclaredBackends backends) {
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
            RouteSpec route = new RouteReader(doc, item, backends).read();
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

    public static String sha256Of(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
