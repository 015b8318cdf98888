package dev.strangler.gateway.routes;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where routes.yaml is. An explicit path (property {@code strangler.routes-file}, or env
 * {@code STRANGLER_ROUTES_FILE}) is used as given, relative to the working directory. Without one, the
 * repository's {@code gateway-app/config/routes.yaml} is used when running from the repository root,
 * and {@code config/routes.yaml} when running from inside {@code gateway-app/}.
 */
public final class RoutesFileLocator {

    static final Path FROM_REPO_ROOT = Path.of("gateway-app", "config", "routes.yaml");
    static final Path FROM_MODULE = Path.of("config", "routes.yaml");

    private RoutesFileLocator() {
    }

    public static Path locate(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path candidate : new Path[] { FROM_REPO_ROOT, FROM_MODULE }) {
            if (Files.exists(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new InvalidRoutesException("no routes file: set STRANGLER_ROUTES_FILE (or strangler.routes-file) to the path of "
                + "routes.yaml, or run from the repository root so that " + FROM_REPO_ROOT + " is found", java.util.List.of());
    }
}
