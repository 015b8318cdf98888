package dev.strangler.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One document of a (possibly multi-document) YAML stream, with where it came from for messages. */
record YamlDocument(String source, int index, JsonNode tree) {

    private static final YAMLMapper MAPPER = new YAMLMapper();

    static List<YamlDocument> read(Path file) {
        return parse(RepositoryLayout.root().relativize(file).toString(), RepositoryLayout.read(file));
    }

    static List<YamlDocument> parse(String source, String yaml) {
        List<YamlDocument> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(new YamlDocument(source, index, node));
                }
                index++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + source, e);
        }
        return documents;
    }

    String kind() {
        return tree.path("kind").asText();
    }

    String apiVersion() {
        return tree.path("apiVersion").asText();
    }

    String name() {
        return tree.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
        return source + "#" + index + " (" + kind() + " " + name() + ")";
    }
}
