package dev.strangler.gateway.routes;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated routes.yaml.
 *
 * @param contentHash SHA-256 of the file's bytes, so replicas that disagree can be spotted
 */
public record MigrationTable(
        Map<String, Backend> backends,
        String defaultBackend,
        List<RouteSpec> routes,
        String source,
        String contentHash,
        Instant loadedAt) {

    public Backend backend(String name) {
        return backends.get(name);
    }
}
