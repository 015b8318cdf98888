package dev.strangler.system.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands between the Dapr double and the monolith (the double is told the gate's port as the monolith's app port)
 * and forwards every call unchanged, recording the {@code afterId} of each keyset page read
 * ({@code GET /internal/sync/orders}). On request it holds one page read, so that a test can stop the reader in
 * the middle of a run at a known page; once released, that read answers 503 without reaching the monolith.
 */
final class MonolithGate implements AutoCloseable {

    static final String PAGE_PATH = "/internal/sync/orders";

    /** Headers java.net.http sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI monolith;
    private final List<Long> pageAfterIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger pageReads = new AtomicInteger();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int holdRead = -1;
    private volatile long heldAfterId = -1;

    private MonolithGate(URI monolith) {
        this.monolith = monolith;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static MonolithGate forwardingTo(URI monolith) {
        return new MonolithGate(monolith);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Holds the {@code n}-th page read from now on (1 = the next one) until {@link #release()}. */
    void holdPageRead(int n) {
        holdRead = pageReads.get() + n;
    }

    /** Waits for the held page read and returns its {@code afterId}. */
    long awaitHeld(Duration timeout) throws InterruptedException {
        if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no page read reached the gate within " + timeout + "; reads so far: " + pageAfterIds);
        }
        return heldAfterId;
    }

    /** Lets the held page read answer (503, the monolith never saw it); later reads are forwarded again. */
    void release() {
        holdRead = -1;
        released.countDown();
    }

    /** The {@code afterId} of every page read so far that was forwarded or held, in order. */
    List<Long> pageAfterIds() {
        return List.copyOf(pageAfterIds);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            URI uri = exchange.getRequestURI();
            if (PAGE_PATH.equals(uri.getPath())) {
                long afterId = afterId(uri);
                pageAfterIds.add(afterId);
                if (pageReads.incrementAndGet() == holdRead) {
                    heldAfterId = afterId;
                    held.countDown();
                    awaitRelease();
                    answer(exchange, 503, "application/problem+json",
                            "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"held by the test gate\"}");
                    return;
                }
            }
            forward(exchange);
        } finally {
            exchange.close();
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(monolith.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            answer(exchange, 502, "text/plain", "gate: monolith unreachable: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        response.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
    }

    private void awaitRelease() {
        try {
            released.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long afterId(URI uri) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("afterId=")) {
                return Long.parseLong(parameter.substring("afterId=".length()));
            }
        }
        return 0;
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
