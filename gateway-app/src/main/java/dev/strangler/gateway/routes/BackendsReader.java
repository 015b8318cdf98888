package dev.strangler.gateway.routes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.springframework.util.PropertyPlaceholderHelper;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Reads {@code backends:} and {@code defaultBackend:}, resolving {@code ${ENV:default}} placeholders in URLs. */
final class BackendsReader {

    private static final Set<String> BACKEND_KEYS = Set.of("url");

    private final YamlDocument doc;
    private final Function<String, String> environment;

    BackendsReader(YamlDocument doc, Function<String, String> environment) {
        this.doc = doc;
        this.environment = environment;
    }

    DeclaredBackends read(Map<String, NodeTuple> top, Node root) {
        Map<String, Backend> backends = backends(top, root);
        // Kept in file order: error messages list the backends as the user wrote them.
        return new DeclaredBackends(Collections.unmodifiableMap(backends), defaultBackend(top, root, backends));
    }

    private Map<String, Backend> backends(Map<String, NodeTuple> top, Node root) {
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
            if (!Names.isName(name)) {
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
            URI uri = url(url.getValueNode(), name);
            if (uri != null) {
                backends.put(name, new Backend(name, uri));
            }
        }
        if (backends.isEmpty() && byName.isEmpty()) {
            doc.error(entry.getValueNode(), "'backends' is empty; define at least the legacy monolith");
        }
        return backends;
    }

    private URI url(Node node, String backend) {
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

    private String defaultBackend(Map<String, NodeTuple> top, Node root, Map<String, Backend> backends) {
        NodeTuple entry = top.get("defaultBackend");
        if (entry == null) {
            doc.error(root, "missing 'defaultBackend'; write \"defaultBackend: legacy\" (the backend that serves every unmatched request)");
            return null;
        }
        String name = doc.string(entry.getValueNode(), "defaultBackend");
        if (name != null && !backends.containsKey(name)) {
            DeclaredBackends.reportUnknown(doc, entry.getValueNode(), "defaultBackend", name, backends);
            return null;
        }
        return name;
    }
}
