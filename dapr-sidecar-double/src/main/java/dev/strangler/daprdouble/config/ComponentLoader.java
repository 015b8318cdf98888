package dev.strangler.daprdouble.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the same component YAML files daprd reads from its resources path ({@code kind: Component}, possibly
 * several documents per file). Other kinds (Subscription, Configuration, Resiliency) are skipped.
 */
public final class ComponentLoader {

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public List<ComponentSpec> load(Path resourcesPath) {
        if (!Files.isDirectory(resourcesPath)) {
            throw new IllegalArgumentException("resources path " + resourcesPath.toAbsolutePath()
                    + " is not a directory; point it at the Dapr components, e.g. dapr/components");
        }
        List<ComponentSpec> components = new ArrayList<>();
        try (Stream<Path> files = Files.list(resourcesPath)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                    components.addAll(read(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + resourcesPath, e);
        }
        return components;
    }

    private List<ComponentSpec> read(Path file) {
        List<ComponentSpec> components = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || !"Component".equals(doc.path("kind").asText())) {
                    continue;
                }
                String name = doc.path("metadata").path("name").asText("");
                String type = doc.path("spec").path("type").asText("");
                if (name.isEmpty() || type.isEmpty()) {
                    throw new IllegalArgumentException(file + ": a Component needs metadata.name and spec.type");
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
                components.add(new ComponentSpec(name, type, metadata, scopes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read component file " + file, e);
        }
        return components;
    }
}
