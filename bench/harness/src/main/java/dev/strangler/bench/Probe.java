package dev.strangler.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Checks that a target really serves the benchmark's request (status 200, the backend's JSON, and for the gateway
 * the route it was meant to take) before any load is sent, so that a misrouted case fails instead of being
 * measured. Also times how long a freshly started process takes to route its first request.
 */
final class Probe {

    /** A fragment of the backend's body; a response without it did not come from the backend. */
    static final String BACKEND_MARKER = "\"bench\":\"backend\"";

    private static final Duration POLL = Duration.ofMillis(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** Routed correctly, or an explanation of what came back instead. */
    String check(String url, String expectedRouteHeader) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return "status " + r.statusCode() + ": " + r.body();
            }
            if (!r.body().contains(BACKEND_MARKER)) {
                return "a body that is not the backend's: " + r.body();
            }
            if (expectedRouteHeader != null) {
                String route = r.headers().firstValue("X-Strangler-Route").orElse("(none)");
                if (!route.equals(expectedRouteHeader)) {
                    return "X-Strangler-Route " + route + " instead of " + expectedRouteHeader;
                }
            }
            return null;
        }
        catch (IOException e) {
            return e.toString();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    void require(String what, String url, String expectedRouteHeader) {
        String problem = check(url, expectedRouteHeader);
        if (problem != null) {
            throw new IllegalStateException(what + " does not serve " + url + " as expected: " + problem);
        }
    }

    /** Polls until the server routes {@code url} correctly; returns milliseconds since the process was started. */
    double awaitRouted(Server server, String url, String expectedRouteHeader, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(server.name() + " exited before it served " + url + ". Log "
                        + server.log() + " ends with:\n" + server.logTail(40));
            }
            String problem = check(url, expectedRouteHeader);
            if (problem == null) {
                return (System.nanoTime() - server.startedNanos()) / 1_000_000.0;
            }
            last = problem;
            try {
                Thread.sleep(POLL.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(server.name() + " did not serve " + url + " within " + timeout.toSeconds()
                + " s (last: " + last + "). Log " + server.log() + " ends with:\n" + server.logTail(40));
    }
}
