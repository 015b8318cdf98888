package dev.strangler.system.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** A client of the orders contract, knowing nothing but a base URL. Sends what a typical API client sends. */
public final class OrdersApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI baseUrl;

    public OrdersApi(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public ApiResponse get(String path) {
        return send("GET", path, null, null, Optional.empty());
    }

    public JsonNode getJson(String path) {
        ApiResponse response = get(path);
        if (response.status() != 200) {
            throw new AssertionError("expected 200: " + response);
        }
        return response.json();
    }

    public ApiResponse create(String jsonBody) {
        return send("POST", "/api/orders", "application/json", jsonBody, Optional.empty());
    }

    public ApiResponse create(String jsonBody, String idempotencyKey) {
        return send("POST", "/api/orders", "application/json", jsonBody, Optional.of(idempotencyKey));
    }

    /** Creates an order and returns its JSON, failing unless the answer is 201. */
    public JsonNode createOrder(long customerId, long productId, int quantity) {
        ApiResponse response = create(OrderBodies.order(customerId, productId, quantity));
        if (response.status() != 201) {
            throw new AssertionError("expected 201: " + response);
        }
        return response.json();
    }

    public ApiResponse cancel(long id) {
        return send("POST", "/api/orders/" + id + "/cancel", null, null, Optional.empty());
    }

    public ApiResponse send(String method, String path, String contentType, String body) {
        return send(method, path, contentType, body, Optional.empty());
    }

    /** Every order the listing returns for a query (without page/size), walking all pages of 100. */
    public List<JsonNode> listAll(String filter) {
        List<JsonNode> all = new ArrayList<>();
        int page = 0;
        JsonNode listing;
        do {
            listing = getJson("/api/orders?size=100&page=" + page++ + (filter.isEmpty() ? "" : "&" + filter));
            listing.get("content").forEach(all::add);
        } while (page < listing.get("totalPages").asInt());
        return all;
    }

    private ApiResponse send(String method, String path, String contentType, String body, Optional<String> idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        idempotencyKey.ifPresent(key -> request.header("Idempotency-Key", key));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiResponse(method + " " + path, response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
