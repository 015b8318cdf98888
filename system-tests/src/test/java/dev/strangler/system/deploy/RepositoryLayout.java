package dev.strangler.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the deployment artifacts live, found from the system-tests module's working directory. */
final class RepositoryLayout {

    private RepositoryLayout() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("system-tests"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root (with docker-compose.yml and system-tests/) not found above "
                + Path.of("").toAbsolutePath());
    }

    static Path resolve(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prometheus's own files (a rules file and its promtool tests), which are not Kubernetes manifests. */
    static final String PROMETHEUS_FILES = "k8s/monitoring/prometheus";

    /** Every *.yaml / *.yml file under a directory, sorted, excluding kustomize's own files and Prometheus's. */
    static List<Path> manifestFiles(String relativeDir) {
        if (!Files.isDirectory(resolve(relativeDir))) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(resolve(relativeDir))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.startsWith(resolve(PROMETHEUS_FILES)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
