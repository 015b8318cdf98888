package dev.strangler.gateway.edge;

import dev.strangler.gateway.support.Backends;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RecordingBackend;

/**
 * The routes table of the edge tests: every path goes to one {@link RecordingBackend}, {@code /api/**} on a migrated
 * route and the rest by the default backend, on both proxy paths.
 */
final class EdgeRoutes {

    static final RecordingBackend BACKEND = Backends.recording("edge");

    private EdgeRoutes() {
    }

    /** The two gateways, one per proxy path, with {@code properties} ({@code name=value}) on both. */
    static Gateways.BothPaths gateways(String... properties) {
        return Gateways.onBothPaths("backends:\n  legacy: { url: \"" + BACKEND.url() + "\" }\n  orders: { url: \"" + BACKEND.url() + "\" }\n"
                + """
                defaultBackend: legacy
                routes:
                  - id: api
                    paths: [/api/**]
                    backend: orders
                    stage: migrated
                """, properties);
    }
}
