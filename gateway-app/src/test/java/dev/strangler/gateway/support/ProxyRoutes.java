package dev.strangler.gateway.support;

import java.util.Map;

/**
 * The routes table of the proxy behaviour on both paths ({@code ProxyBehaviourSuite}, {@code DirectPathParityTest},
 * {@code GatewayRoutingTest}): one route for each behaviour they check, the backends behind them, and the properties
 * they all run with, so that the classes that differ only by the proxy path share their gateways.
 */
public final class ProxyRoutes {

    /** Callers from this address are trusted proxies, as the Istio ingress gateway is; 127.0.0.1 is not. */
    public static final String TRUSTED_PROXY = "127.0.0.2";

    /** The properties every gateway on this table runs with, besides the proxy path's. */
    public static final String[] PROPERTIES = { "strangler.trusted-proxies=" + TRUSTED_PROXY + "/32",
            "management.tracing.sampling.probability=1.0" };

    /** How many routes the table has. */
    public static final int ROUTES = 20;

    public static final EchoBackend LEGACY = Backends.echo("legacy");
    public static final EchoBackend ORDERS = Backends.echo("orders");
    public static final FlakyBackend BREAKING = Backends.flaky("breaking");

    /** Answers no HTTP library would write, for the framing cases. */
    public static final CannedBackend CANNED = Backends.canned("proxy-canned", Map.of(
            "/canned/empty-chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "/canned/chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
            "/canned/not-modified", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 12\r\n\r\n",
            "/canned/reset-content", "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n",
            "/canned/http10", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n",
            "/canned/early-hints", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhints",
            "/canned/tagged", "HTTP/1.1 200 OK\r\nX-Strangler-Route: evil\r\nX-Strangler-Backend: evil\r\n"
                    + "X-Strangler-Fallback: evil\r\nX-Strangler-Other: evil\r\nContent-Length: 2\r\n\r\nok"));

    /**
     * Backend {@code down} refuses connections; {@code prefixed} has a path of its own, which both paths put before
     * the forwarded path.
     */
    public static final String TABLE = "backends:\n"
            + "  legacy: { url: \"" + LEGACY.url() + "\" }\n"
            + "  orders: { url: \"" + ORDERS.url() + "\" }\n"
            + "  down: { url: \"" + Backends.refusing() + "\" }\n"
            + "  breaking: { url: \"" + BREAKING.url() + "\" }\n"
            + "  prefixed: { url: \"" + ORDERS.url() + "/base/\" }\n"
            + "  canned: { url: \"" + CANNED.url() + "\" }\n"
            + "defaultBackend: legacy\n"
            + """
            routes:
              - id: orders-api
                paths: [/api/orders, /api/orders/**]
                backend: orders
                stage: migrated
                rewrite: { prefix: /api/orders, to: /orders }
              - id: orders-report
                paths: [/api/orders/report]
                backend: orders
                stage: legacy
              - id: customers-read
                paths: [/api/customers/**]
                methods: [GET]
                backend: orders
                stage: migrated
              - id: canary-cookie
                paths: [/canary-cookie/**]
                backend: orders
                stage: canary
                canary: { percent: 50, stickyBy: "cookie:strangler_cohort" }
              - id: canary-header
                paths: [/canary-header/**]
                backend: orders
                stage: canary
                canary: { percent: 50, stickyBy: "header:X-User-Id" }
              - id: shadowed
                paths: [/shadowed/**]
                backend: orders
                stage: shadow
              - id: guarded
                paths: [/guarded/**]
                backend: down
                stage: migrated
                retries: 1
                fallback: legacy
              - id: slow
                paths: [/slow/**]
                backend: orders
                stage: migrated
                timeout: 300ms
                fallback: legacy
              - id: timeout
                paths: [/timeout/**]
                backend: orders
                stage: migrated
                timeout: 300ms
              - id: down
                paths: [/down/**]
                backend: down
                stage: migrated
              - id: breaker
                paths: [/breaker/**]
                backend: breaking
                stage: migrated
                circuitBreaker: { failureRate: 50, window: 4, openFor: 60s }
              - id: retried
                paths: [/retried/**]
                backend: breaking
                stage: migrated
                retries: 2
              - id: retried-fallback
                paths: [/retried-fallback/**]
                backend: breaking
                stage: migrated
                retries: 1
                fallback: legacy
              - id: breaker-fallback
                paths: [/breaker-fallback/**]
                backend: breaking
                stage: migrated
                fallback: legacy
                circuitBreaker: { failureRate: 50, window: 2, openFor: 60s }
              - id: shadow-none
                paths: [/shadow-none/**]
                backend: orders
                stage: shadow
                shadow: { percent: 0 }
              - id: shadow-all
                paths: [/shadow-all/**]
                backend: orders
                stage: shadow
                shadow: { percent: 100 }
              - id: shadow-half
                paths: [/shadow-half/**]
                backend: orders
                stage: shadow
                shadow: { percent: 50 }
              - id: shadow-writes
                paths: [/shadow-writes/**]
                backend: orders
                stage: shadow
                shadow: { percent: 50, allowWrites: true }
              - id: prefixed
                paths: [/prefixed/**]
                backend: prefixed
                stage: migrated
              - id: canned
                paths: [/canned/**]
                backend: canned
                stage: migrated
            """;

    private ProxyRoutes() {
    }

    /** The gateway on this table with {@code strangler.direct-path} as given, and {@code more} properties. */
    public static Gateways.Gateway gateway(boolean directPath, String... more) {
        String[] properties = new String[PROPERTIES.length + 1 + more.length];
        System.arraycopy(PROPERTIES, 0, properties, 0, PROPERTIES.length);
        properties[PROPERTIES.length] = "strangler.direct-path=" + directPath;
        System.arraycopy(more, 0, properties, PROPERTIES.length + 1, more.length);
        return Gateways.of(TABLE, properties);
    }
}
