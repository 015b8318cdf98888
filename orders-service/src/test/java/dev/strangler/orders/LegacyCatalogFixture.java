package dev.strangler.orders;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the monolith's read side, as orders-service calls it through Dapr service invocation: customers,
 * products, single orders and keyset pages. The real monolith is exercised in system-tests; this keeps the module's
 * own tests fast and lets them choose what the monolith holds.
 */
final class LegacyCatalogFixture implements AutoCloseable {

    static final String CUSTOMERS = "[{\"id\":1,\"name\":\"A\"},{\"id\":2,\"name\":\"B\"}]";
    static final String PRODUCTS = "[{\"id\":1,\"sku\":\"P1\",\"unitPrice\":24.90},{\"id\":2,\"sku\":\"P2\",\"unitPrice\":3.50}]";

    private final HttpServer server;
    private final Map<Long, String> orders = new ConcurrentHashMap<>();

    LegacyCatalogFixture() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void putOrder(long id, String json) {
        orders.put(id, json);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/customers")) {
            answer(exchange, 200, CUSTOMERS);
        } else if (path.equals("/api/products")) {
            answer(exchange, 200, PRODUCTS);
        } else if (path.startsWith("/api/orders/")) {
            String order = orders.get(Long.parseLong(path.substring("/api/orders/".length())));
            answer(exchange, order == null ? 404 : 200, order == null ? "{\"status\":404}" : order);
        } else if (path.equals("/internal/sync/orders")) {
            answer(exchange, 200, "{\"orders\":[" + String.join(",", orders.values()) + "],\"nextAfterId\":null}");
        } else {
            answer(exchange, 404, "{\"status\":404}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
