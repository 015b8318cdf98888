package dev.strangler.gateway.support;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A real HTTP backend on a random loopback port that answers with what it received, so tests can see
 * exactly which backend got the request, with which path and headers. {@code ?sleepMs=N} delays the
 * answer; {@code ?status=N} sets the status. With {@code on=NAME}, only the backend of that name does either.
 */
public final class EchoBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final DisposableServer server;
    private final AtomicInteger requests = new AtomicInteger();

    public EchoBackend(String name) {
        this.name = name;
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle((req, res) -> {
            requests.incrementAndGet();
            return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
                Map<String, Object> echo = new LinkedHashMap<>();
                echo.put("backend", name);
                echo.put("method", req.method().name());
                echo.put("uri", req.uri());
                Map<String, String> headers = new LinkedHashMap<>();
                req.requestHeaders().forEach(h -> headers.merge(h.getKey().toLowerCase(), h.getValue(), (a, b) -> a + "," + b));
                echo.put("headers", headers);
                echo.put("body", body);
                String query = req.uri().contains("?") ? req.uri().substring(req.uri().indexOf('?') + 1) : "";
                String only = text(query, "on");
                boolean applies = only == null || only.equals(name);
                long sleep = applies ? param(query, "sleepMs") : 0;
                long status = applies ? param(query, "status") : 0;
                byte[] bytes;
                try {
                    bytes = JSON.writeValueAsBytes(echo);
                }
                catch (Exception e) {
                    return Mono.error(e);
                }
                return Mono.delay(Duration.ofMillis(Math.max(0, sleep))).then(res
                        .status(status > 0 ? HttpResponseStatus.valueOf((int) status) : HttpResponseStatus.OK)
                        .header("Content-Type", "application/json")
                        .header("X-Strangler-Route", "forged-by-backend")
                        .sendByteArray(Mono.just(bytes)).then());
            });
        }).bindNow();
    }

    private static String text(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static long param(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return Long.parseLong(pair.substring(name.length() + 1));
            }
        }
        return -1;
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
