package dev.strangler.daprdouble.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Small helpers for the JDK HTTP server: JSON answers and daprd-style error bodies. */
final class HttpExchanges {

    private HttpExchanges() {
    }

    static void json(HttpExchange exchange, ObjectMapper json, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, bytes);
    }

    /** daprd's HTTP error body: {"errorCode": "...", "message": "..."}. */
    static void daprError(HttpExchange exchange, ObjectMapper json, int status, String errorCode, String message)
            throws IOException {
        json(exchange, json, status, Map.of("errorCode", errorCode, "message", message));
    }

    static void empty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }
}
