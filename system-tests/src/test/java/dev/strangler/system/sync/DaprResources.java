package dev.strangler.system.sync;

import dev.strangler.system.support.Repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The Dapr resources directory the sidecar double reads: the repository's {@code dapr/components} as they are, or
 * with another Resiliency resource in place of the repository's (the knob daprd itself has for delivery retries).
 */
final class DaprResources {

    private DaprResources() {
    }

    static Path repository() {
        return Repo.root().resolve("dapr").resolve("components");
    }

    /** The repository's components plus a Resiliency that retries pub/sub deliveries {@code maxRetries} times, 50 ms apart. */
    static Path withQuickRetries(String name, int maxRetries) {
        Path dir = Repo.target("dapr-resources", name);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            try (Stream<Path> files = Files.list(repository())) {
                for (Path file : files.toList()) {
                    if (!Files.readString(file).contains("kind: Resiliency")) {
                        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.writeString(dir.resolve("resiliency.yaml"), """
                    apiVersion: dapr.io/v1alpha1
                    kind: Resiliency
                    metadata:
                      name: quick
                    spec:
                      policies:
                        retries:
                          quick:
                            policy: constant
                            duration: 50ms
                            maxRetries: %d
                      targets:
                        components:
                          pubsub:
                            inbound:
                              retry: quick
                    """.formatted(maxRetries));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        return dir;
    }
}
