package dev.strangler.gateway.shadow;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A real HTTP backend on a random loopback port whose answers the test scripts per path prefix, and which records
 * every request it got (method, URI, headers, body). Unscripted paths answer 200 with a small JSON document.
 */
final class ScriptedBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the backend received it; header names in lower case. */
    record Received(String method, String uri, Map<String, String> headers, String body) {
    }

    /**
     * @param body  the JSON answer, computed from the request
     * @param delay how long to wait before answering
     * @param gate  completes when the answer may go out
     */
    record Answer(int status, Map<String, String> headers, Function<Received, String> body, Duration delay, Mono<Void> gate) {
    }

    private final String name;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    ScriptedBackend(String name) {
        this.name = name;
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle((req, res) ->
                req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    req.requestHeaders().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + "," + b));
                    Received r = new Received(req.method().name(), req.uri(), headers, body);
                    received.add(r);
                    Answer answer = answerFor(req.path().isEmpty() ? "/" : "/" + req.path());
                    res.status(HttpResponseStatus.valueOf(answer.status())).header("Content-Type", "application/json");
                    answer.headers().forEach(res::header);
                    byte[] bytes = answer.body().apply(r).getBytes(StandardCharsets.UTF_8);
                    return Mono.delay(answer.delay()).then(answer.gate()).then(res.sendByteArray(Mono.just(bytes)).then());
                })).bindNow();
    }

    private Answer answerFor(String path) {
        Answer best = null;
        int bestLength = -1;
        for (Map.Entry<String, Answer> e : answers.entrySet()) {
            if (path.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return best != null ? best : new Answer(200, Map.of(), r -> json(Map.of("backend", name, "uri", r.uri(),
                "bodyLength", r.body().length())), Duration.ZERO, Mono.empty());
    }

    /** Paths starting with {@code prefix} answer {@code status} with this JSON body and these headers (name, value, ...). */
    ScriptedBackend answer(String prefix, int status, String jsonBody, String... headers) {
        return answer(prefix, new Answer(status, pairs(headers), r -> jsonBody, Duration.ZERO, Mono.empty()));
    }

    ScriptedBackend answer(String prefix, Answer answer) {
        answers.put(prefix, answer);
        return this;
    }

    /** Paths starting with {@code prefix} answer only after {@code delay}. */
    ScriptedBackend slow(String prefix, Duration delay) {
        return answer(prefix, new Answer(200, Map.of(), r -> "{\"slow\":true}", delay, Mono.empty()));
    }

    /** Paths starting with {@code prefix} answer only once the returned sink is emptied (tryEmitEmpty). */
    Sinks.Empty<Void> held(String prefix, String jsonBody) {
        Sinks.Empty<Void> gate = Sinks.empty();
        answer(prefix, new Answer(200, Map.of(), r -> jsonBody, Duration.ZERO, gate.asMono()));
        return gate;
    }

    List<Received> received(String pathPrefix) {
        return received.stream().filter(r -> r.uri().startsWith(pathPrefix)).toList();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> pairs(String... headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return map;
    }

    /** Forgets every scripted answer and every request received, as a new backend on the same port would have none. */
    void forget() {
        answers.clear();
        received.clear();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
