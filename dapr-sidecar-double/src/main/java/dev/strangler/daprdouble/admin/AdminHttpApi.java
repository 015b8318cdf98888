package dev.strangler.daprdouble.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strangler.daprdouble.pubsub.DeliveryFault;
import dev.strangler.daprdouble.pubsub.ReorderSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The test hooks over HTTP, for tests that run the double as a separate process:
 * <pre>
 * GET  /double/status
 * GET  /double/events?topic=orders
 * GET  /double/dead-letters
 * POST /double/reorder          {"enabled":true,"window":8,"maxDelayMillis":200}
 * POST /double/faults/delivery  {"appId":"legacy-monolith","probability":0.3,"mode":"FAIL_BEFORE_SEND"}
 * POST /double/faults/state     {"store":"statestore","unavailable":true}
 * POST /double/reset
 * </pre>
 */
public final class AdminHttpApi implements HttpHandler {

    private final TestHooks hooks;
    private final ObjectMapper json;

    public AdminHttpApi(TestHooks hooks, ObjectMapper json) {
        this.hooks = hooks;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            switch (method + " " + path) {
                case "GET /double/status" -> respond(exchange, 200, hooks.status());
                case "GET /double/events" -> {
                    String topic = query(exchange, "topic");
                    if (topic == null) {
                        problem(exchange, 400, "Missing topic", "add ?topic=NAME");
                    } else {
                        respond(exchange, 200, hooks.publishedEvents(topic));
                    }
                }
                case "GET /double/dead-letters" -> respond(exchange, 200, hooks.deadLetters());
                case "POST /double/reorder" -> {
                    JsonNode body = body(exchange);
                    hooks.reorderDeliveries(body.path("enabled").asBoolean(false)
                            ? ReorderSettings.on(body.path("window").asInt(8), body.path("maxDelayMillis").asLong(200))
                            : ReorderSettings.off());
                    respond(exchange, 200, hooks.status());
                }
                case "POST /double/faults/delivery" -> {
                    JsonNode body = body(exchange);
                    String appId = body.path("appId").asText("");
                    if (appId.isEmpty()) {
                        problem(exchange, 400, "Missing appId", "send {\"appId\":\"...\",\"probability\":0.3}");
                        return;
                    }
                    hooks.failDeliveries(appId, new DeliveryFault(body.path("probability").asDouble(0),
                            DeliveryFault.Mode.valueOf(body.path("mode").asText(DeliveryFault.Mode.FAIL_BEFORE_SEND.name()))));
                    respond(exchange, 200, hooks.status());
                }
                case "POST /double/faults/state" -> {
                    JsonNode body = body(exchange);
                    hooks.stateStoreUnavailable(body.path("store").asText(""), body.path("unavailable").asBoolean(true));
                    respond(exchange, 200, hooks.status());
                }
                case "POST /double/reset" -> {
                    hooks.reset();
                    respond(exchange, 200, hooks.status());
                }
                default -> problem(exchange, 404, "Not Found", "no admin endpoint " + method + " " + path);
            }
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, "Bad Request", e.getMessage());
        }
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name) && kv.length == 2) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        write(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        write(exchange, status, "application/problem+json", json.writeValueAsBytes(Map.of(
                "type", "about:blank", "title", title, "status", status, "detail", detail)));
    }

    private static void write(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
