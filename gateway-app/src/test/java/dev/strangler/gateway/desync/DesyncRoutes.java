package dev.strangler.gateway.desync;

import java.util.Map;

import dev.strangler.gateway.support.Backends;
import dev.strangler.gateway.support.CannedBackend;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RecordingBackend;

/**
 * The routes table of the desync suites, with strict recording backends behind it: {@code /api/orders/**} to
 * {@code orders}, {@code /upload} to {@code uploads}, {@code /cut/**} to a backend that dies part way through its
 * answers, everything else to {@code legacy}. Both suites run on the same two gateways, one per proxy path.
 */
final class DesyncRoutes {

    static final RecordingBackend LEGACY = Backends.recording("desync-legacy");
    static final RecordingBackend ORDERS = Backends.recording("desync-orders");
    static final RecordingBackend UPLOADS = Backends.recording("desync-uploads");
    static final CannedBackend ABORTING = Backends.cannedClosingAfterEachAnswer("desync-aborting", Map.of(
            "/cut/length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789",
            "/cut/chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));

    private DesyncRoutes() {
    }

    static Gateways.BothPaths gateways() {
        return Gateways.onBothPaths("backends:\n"
                + "  legacy: { url: \"" + LEGACY.url() + "\" }\n"
                + "  orders: { url: \"" + ORDERS.url() + "\" }\n"
                + "  uploads: { url: \"" + UPLOADS.url() + "\" }\n"
                + "  aborting: { url: \"" + ABORTING.url() + "\" }\n"
                + "defaultBackend: legacy\n"
                + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: migrated
                  - id: upload
                    paths: [/upload]
                    backend: uploads
                    stage: migrated
                  - id: cut
                    paths: [/cut/**]
                    backend: aborting
                    stage: migrated
                """, "strangler.access-log=false");
    }
}
