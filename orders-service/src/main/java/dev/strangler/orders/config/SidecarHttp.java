package dev.strangler.orders.config;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;


/**
 * Dapr service invocation over the sidecar's HTTP API ({@code /v1.0/invoke/{appId}/method/{path}}), the way the
 * Dapr 1.16 SDK recommends instead of the deprecated {@code invokeMethod}. Statuses come back unchanged, so a 404 of
 * the called app stays a 404 here.
 */
public final class SidecarHttp {

    private final HttpClient client;
    private final String baseUrl;
    private final Duration timeout;

    SidecarHttp(HttpClient client, String baseUrl, Duration timeout) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.timeout = timeout;
    }

    /** GETs {@code pathAndQuery} (starting with '/') of the app; throws IOException when the sidecar is unreachable. */
    public HttpResponse<byte[]> get(String appId, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1.0/invoke/" + appId + "/method" + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
