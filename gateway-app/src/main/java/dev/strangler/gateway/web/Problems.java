package dev.strangler.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import reactor.core.publisher.Mono;

/** Writes RFC 9457 problem details, the one error format of the gateway. Never includes a stack trace. */
public final class Problems {

    public static final String TYPE_BASE = "https://strangler.dev/problems/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = json(status, type, title, detail, exchange.getRequest().getPath().value());
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /**
     * The problem document itself, for a response that is not written through a {@link ServerWebExchange}.
     *
     * @param instance the request path, or null to leave it out (for a request that could not be read)
     */
    public static byte[] json(HttpStatus status, String type, String title, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        try {
            return JSON.writeValueAsBytes(body);
        }
        catch (JsonProcessingException e) {
            return ("{\"title\":\"" + title + "\",\"status\":" + status.value() + "}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
