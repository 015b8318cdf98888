package dev.strangler.system.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A response as the wire carried it: status, headers and the raw body text (for format assertions). */
public record ApiResponse(String request, int status, HttpHeaders headers, String body) {

    /** Money is compared as BigDecimal, never through a double. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(request + " answered a body that is not JSON: " + body, e);
        }
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public String contentType() {
        return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
        return request + " -> " + status + " " + contentType() + " " + body;
    }
}
