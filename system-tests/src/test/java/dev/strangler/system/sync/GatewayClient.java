package dev.strangler.system.sync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A client of the gateway that sends what a canary needs: a sticky user id and, for writes, an Idempotency-Key. */
final class GatewayClient {

    /** An answer, or {@code status} 0 when the connection failed. */
    record Answer(int status, String body, Optional<String> backend) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /**
         * Worth sending again: the request failed at the connection level, so the write did not happen or its
         * outcome is unknown. That is no answer from the gateway, or the gateway's own answers for a backend it could
         * not complete the call to: 502 (the backend closed the connection), 503 (refused, or a backend that is
         * shutting down) and 504 (timed out). Safe for creates with the same Idempotency-Key, and for cancels, whose
         * repeat answers 409 if the first one did happen. A 500 is a bug, not a reason to retry.
         */
        boolean retryable() {
            return status == 0 || status == 502 || status == 503 || status == 504;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    GatewayClient(URI base) {
        this.base = base;
    }

    Answer send(String method, String path, String user, String idempotencyKey, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            request.header("X-User-Id", user);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().firstValue("X-Strangler-Backend"));
        } catch (IOException e) {
            return new Answer(0, e.toString(), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
