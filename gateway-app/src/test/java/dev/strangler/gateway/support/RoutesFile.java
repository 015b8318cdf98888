package dev.strangler.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A routes.yaml in a temporary directory that tests rewrite the way editors do: write aside, then rename. */
public final class RoutesFile {

    private final Path file;

    public RoutesFile(Path dir) {
        this.file = dir.resolve("routes.yaml");
    }

    public Path path() {
        return file;
    }

    public RoutesFile write(String yaml) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".routes", ".tmp");
            Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return this;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
