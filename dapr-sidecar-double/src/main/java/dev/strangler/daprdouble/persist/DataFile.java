package dev.strangler.daprdouble.persist;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.daprdouble.pubsub.BrokerSnapshot;
import dev.strangler.daprdouble.state.StoredItem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/** The whole double (stores, messages, pending deliveries, dead letters) as one JSON file, replaced atomically. */
public final class DataFile {

    public record Content(Map<String, Map<String, StoredItem>> stores, BrokerSnapshot broker) {
    }

    private final Path path;
    private final ObjectMapper json;

    public DataFile(Path path, ObjectMapper json) {
        this.path = path.toAbsolutePath();
        this.json = json;
    }

    public Path path() {
        return path;
    }

    public Optional<Content> load() {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(path.toFile(), Content.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data file " + path + "; delete it to start empty", e);
        }
    }

    public synchronized void write(Content content) {
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            json.writeValue(tmp.toFile(), content);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write data file " + path, e);
        }
    }
}
