package dev.strangler.daprdouble.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strangler.daprdouble.resiliency.Resiliency;
import dev.strangler.daprdouble.resiliency.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the resource files daprd reads from its resources path (several documents per file allowed):
 * {@code kind: Component} and {@code kind: Resiliency}. What the double does not model is refused here, at start,
 * with the file and the field named, rather than run in some kinder way: component types other than
 * {@code state.postgresql} v2 and {@code pubsub.redis}, declarative {@code Subscription}s, and resiliency timeouts,
 * circuit breakers, actor targets, component outbound policies and gRPC status matching.
 */
public final class ComponentLoader {

    private static final Logger log = LoggerFactory.getLogger(ComponentLoader.class);

    /** The component types whose v1.16.4 behaviour the double models, with the file that defines it. */
    private static final Map<String, String> MODELLED = Map.of(
            "state.postgresql/v2", "components-contrib state/postgresql/v2/postgresql.go",
            "pubsub.redis/v1", "components-contrib pubsub/redis (Redis streams)");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public Resources load(Path resourcesPath) {
        if (!Files.isDirectory(resourcesPath)) {
            throw new IllegalArgumentException("resources path " + resourcesPath.toAbsolutePath()
                    + " is not a directory; point it at the Dapr components, e.g. dapr/components");
        }
        List<ComponentSpec> components = new ArrayList<>();
        List<Resiliency.Resource> resiliencies = new ArrayList<>();
        try (Stream<Path> files = Files.list(resourcesPath)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                    read(file, components, resiliencies);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + resourcesPath, e);
        }
        return new Resources(components, new Resiliency(resiliencies));
    }

    private void read(Path file, List<ComponentSpec> components, List<Resiliency.Resource> resiliencies) {
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null) {
                    continue;
                }
                switch (doc.path("kind").asText()) {
                    case "Component" -> components.add(component(file, doc));
                    case "Resiliency" -> resiliencies.add(resiliency(file, doc));
                    case "Subscription" -> throw refused(file, "kind: Subscription (declarative subscriptions)",
                            "subscribe programmatically (GET /dapr/subscribe, as @Topic does)");
                    default -> log.info("event=resource-skipped file={} kind={} reason=\"daprd does not read it from the resources path either\"",
                            file, doc.path("kind").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource file " + file, e);
        }
    }

    private ComponentSpec component(Path file, JsonNode doc) {
        String name = doc.path("metadata").path("name").asText("");
        String type = doc.path("spec").path("type").asText("");
        String version = doc.path("spec").path("version").asText("");
        if (name.isEmpty() || type.isEmpty()) {
            throw new IllegalArgumentException(file + ": a Component needs metadata.name and spec.type");
        }
        if (!MODELLED.containsKey(type + "/" + version)) {
            throw refused(file, "component " + name + " of type " + type + " " + version,
                    "use one of the types it models: " + MODELLED.keySet() + " (docs/adr/0004-outbox-store.md says why the "
                            + "state stores are state.postgresql v2)");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (JsonNode item : doc.path("spec").path("metadata")) {
            JsonNode value = item.get("value");
            if (value != null && !value.isNull()) {
                metadata.put(item.path("name").asText(), value.asText());
            }
        }
        List<String> scopes = new ArrayList<>();
        doc.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new ComponentSpec(name, type, version, metadata, scopes);
    }

    private Resiliency.Resource resiliency(Path file, JsonNode doc) {
        String name = doc.path("metadata").path("name").asText("");
        JsonNode spec = doc.path("spec");
        JsonNode policies = spec.path("policies");
        for (String unmodelled : List.of("timeouts", "circuitBreakers")) {
            if (policies.path(unmodelled).size() > 0) {
                throw refused(file, "Resiliency " + name + " spec.policies." + unmodelled, "remove it");
            }
        }
        if (spec.path("targets").path("actors").size() > 0) {
            throw refused(file, "Resiliency " + name + " spec.targets.actors", "remove it (nothing here uses actors)");
        }
        Map<String, RetryPolicy> retries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = policies.path("retries").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            retries.put(entry.getKey(), retry(file, entry.getKey(), entry.getValue()));
        }
        Map<String, RetryPolicy> inbound = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("targets").path("components").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = "Resiliency " + name + " spec.targets.components." + entry.getKey();
            if (!entry.getValue().path("outbound").isMissingNode()) {
                throw refused(file, where + ".outbound", "remove it; only inbound delivery retries are modelled");
            }
            policyNames(file, where + ".inbound", entry.getValue().path("inbound"));
            resolve(entry.getValue().path("inbound"), retries, where).ifPresent(p -> inbound.put(entry.getKey(), p));
        }
        Map<String, RetryPolicy> apps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("targets").path("apps").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = "Resiliency " + name + " spec.targets.apps." + entry.getKey();
            policyNames(file, where, entry.getValue());
            resolve(entry.getValue(), retries, where).ifPresent(p -> apps.put(entry.getKey(), p));
        }
        List<String> scopes = new ArrayList<>();
        doc.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new Resiliency.Resource(name, scopes, inbound, apps);
    }

    private static void policyNames(Path file, String where, JsonNode target) {
        for (String unmodelled : List.of("timeout", "circuitBreaker")) {
            if (target.has(unmodelled)) {
                throw refused(file, where + "." + unmodelled, "remove it; only retries are modelled");
            }
        }
    }

    /** daprd looks a target's policy name up in the map and gets no retries when it is missing; so does this. */
    private static Optional<RetryPolicy> resolve(JsonNode target, Map<String, RetryPolicy> retries, String where) {
        if (!target.has("retry")) {
            return Optional.empty();
        }
        RetryPolicy policy = retries.get(target.get("retry").asText());
        if (policy == null) {
            log.warn("event=resiliency-target-without-policy target=\"{}\" retry={} note=\"daprd then retries nothing\"",
                    where, target.get("retry").asText());
        }
        return Optional.ofNullable(policy);
    }

    private static RetryPolicy retry(Path file, String name, JsonNode node) {
        String policy = node.path("policy").asText("constant");
        if (!policy.equalsIgnoreCase("constant") && !policy.equalsIgnoreCase("exponential")) {
            throw new IllegalArgumentException(file + ": retry policy " + name + ": policy must be constant or exponential, is " + policy);
        }
        if (!node.path("matching").path("gRPCStatusCodes").isMissingNode()) {
            throw refused(file, "retry policy " + name + " matching.gRPCStatusCodes", "match on httpStatusCodes");
        }
        Duration duration = node.has("duration") ? GoDuration.parse(node.get("duration").asText()) : Duration.ofSeconds(5);
        Duration maxInterval = node.has("maxInterval") ? GoDuration.parse(node.get("maxInterval").asText()) : Duration.ofSeconds(60);
        long maxRetries = node.has("maxRetries") ? node.get("maxRetries").asLong() : -1;
        return new RetryPolicy(name, policy.equalsIgnoreCase("exponential"), duration, maxInterval, maxRetries,
                statusRanges(file, name, node.path("matching").path("httpStatusCodes").asText("")));
    }

    /** pkg/resiliency parsePatterns: "500,502-504". */
    private static List<int[]> statusRanges(Path file, String name, String patterns) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : patterns.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                String[] bounds = p.split("-");
                int from = Integer.parseInt(bounds[0].trim());
                int to = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : from;
                if (from < 100 || to > 599 || from > to) {
                    throw new NumberFormatException();
                }
                ranges.add(new int[] {from, to});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": retry policy " + name + ": invalid httpStatusCodes pattern \""
                        + p + "\" (write e.g. \"502,503-504\")");
            }
        }
        return ranges;
    }

    private static IllegalArgumentException refused(Path file, String what, String instead) {
        return new IllegalArgumentException(file + ": the Dapr sidecar double does not model " + what
                + ", so it refuses to start rather than behave unlike daprd; " + instead);
    }
}
