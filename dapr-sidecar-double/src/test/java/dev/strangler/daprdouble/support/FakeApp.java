package dev.strangler.daprdouble.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strangler.daprdouble.net.LoopbackPorts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real app on loopback, standing in for a Dapr-enabled service: it serves {@code GET /dapr/subscribe},
 * records every event POSTed to it and answers as the test says; {@code /echo/**} reflects the request.
 */
public final class FakeApp implements AutoCloseable {

    /** How the app answers one delivery; {@code attempt} counts deliveries of the same CloudEvent id, from 1. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(String route, JsonNode cloudEvent, int attempt);
    }

    public record Answer(int status, String body) {
        public static Answer ok() {
            return new Answer(200, "{\"status\":\"SUCCESS\"}");
        }
    }

    public record Received(String route, String contentType, JsonNode cloudEvent) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private volatile String subscriptions = "[]";
    private volatile Responder responder = (route, event, attempt) -> Answer.ok();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger subscribeRequests = new AtomicInteger();
    private HttpServer server;

    private FakeApp(int port) {
        this.port = port;
    }

    /** Picks a free port but does not listen yet, so tests can start the app after the sidecar. */
    public static FakeApp onFreePort() {
        return new FakeApp(LoopbackPorts.free());
    }

    public static FakeApp started() {
        FakeApp app = onFreePort();
        app.start();
        return app;
    }

    public int port() {
        return port;
    }

    public FakeApp subscriptions(String json) {
        this.subscriptions = json;
        return this;
    }

    public FakeApp responder(Responder responder) {
        this.responder = responder;
        return this;
    }

    /** How many times the sidecar asked {@code GET /dapr/subscribe}. */
    public int subscribeRequests() {
        return subscribeRequests.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String route) {
        return received.stream().filter(r -> r.route().equals(route)).toList();
    }

    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.equals("/dapr/subscribe") && exchange.getRequestMethod().equals("GET")) {
            subscribeRequests.incrementAndGet();
            reply(exchange, 200, "application/json", subscriptions);
        } else if (path.startsWith("/echo")) {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("method", exchange.getRequestMethod());
            echo.put("path", path);
            echo.put("query", exchange.getRequestURI().getRawQuery());
            echo.put("body", new String(body, StandardCharsets.UTF_8));
            echo.put("contentType", exchange.getRequestHeaders().getFirst("Content-Type"));
            echo.put("testHeader", exchange.getRequestHeaders().getFirst("X-Test"));
            echo.put("caller", exchange.getRequestHeaders().getFirst("dapr-caller-app-id"));
            exchange.getResponseHeaders().set("X-Echoed", "yes");
            reply(exchange, path.endsWith("/created") ? 201 : 200, "application/json", JSON.writeValueAsString(echo));
        } else if (exchange.getRequestMethod().equals("POST")) {
            JsonNode event = JSON.readTree(body);
            received.add(new Received(path, exchange.getRequestHeaders().getFirst("Content-Type"), event));
            int attempt = attempts.computeIfAbsent(path + "#" + event.path("id").asText(), k -> new AtomicInteger()).incrementAndGet();
            Answer answer = responder.answer(path, event, attempt);
            reply(exchange, answer.status(), "application/json", answer.body());
        } else {
            reply(exchange, 404, "text/plain", "not found");
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /** Ids of received events on a route, in arrival order. */
    public List<String> receivedIds(String route) {
        List<String> ids = new ArrayList<>();
        received(route).forEach(r -> ids.add(r.cloudEvent().path("id").asText()));
        return ids;
    }
}
