package dev.strangler.daprdouble.invoke;

import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.resiliency.Resiliency;
import dev.strangler.daprdouble.resiliency.RetryPolicy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Dapr service invocation over HTTP: {@code /v1.0/invoke/{appId}/method/{path}} goes to the target app's port
 * with the same verb, path, query string, headers and body, and the app's answer comes back unchanged.
 * The double knows every app-id it serves; that stands in for daprd's name resolution.
 */
public final class InvocationProxy {

    /** Hop-by-hop headers and those the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "http2-settings");

    private final HttpClient http;
    private final AppPorts appPorts;
    private final Resiliency resiliency;

    public InvocationProxy(HttpClient http, AppPorts appPorts, Resiliency resiliency) {
        this.http = http;
        this.appPorts = appPorts;
        this.resiliency = resiliency;
    }

    public record Request(String callerAppId, String targetAppId, String method, String rawPathAndQuery,
                          Map<String, List<String>> headers, byte[] body) {
    }

    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    /** Thrown when the call cannot reach the target app; daprd answers 500 ERR_DIRECT_INVOKE. */
    public static final class InvocationFailed extends Exception {
        public InvocationFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * With a Resiliency retry policy for the target app (pkg/api/http/directmessaging.go), a call that fails or
     * whose answer is outside 200-399 is tried again as the policy says (its {@code matching} permitting); when the
     * policy gives up, the last answer or failure is returned. Without one, there is exactly one try.
     */
    public Response invoke(Request request) throws InvocationFailed {
        Optional<RetryPolicy> policy = resiliency.appTarget(request.targetAppId(), request.callerAppId());
        long startedAt = System.currentTimeMillis();
        for (int retry = 1; ; retry++) {
            Response response;
            try {
                response = invokeOnce(request);
            } catch (InvocationFailed failed) {
                if (!sleepBeforeRetry(policy, retry, startedAt, -1)) {
                    throw failed;
                }
                continue;
            }
            boolean failedAnswer = response.status() < 200 || response.status() > 399;
            if (!failedAnswer || !sleepBeforeRetry(policy, retry, startedAt, response.status())) {
                return response;
            }
        }
    }

    private static boolean sleepBeforeRetry(Optional<RetryPolicy> policy, int retry, long startedAt, int status) throws InvocationFailed {
        if (policy.isEmpty() || (status > 0 && !policy.get().retriesStatus(status))) {
            return false;
        }
        OptionalLong delay = policy.get().delayBeforeRetry(retry, Duration.ofMillis(System.currentTimeMillis() - startedAt));
        if (delay.isEmpty()) {
            return false;
        }
        try {
            Thread.sleep(delay.getAsLong());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvocationFailed("interrupted while waiting to retry");
        }
        return true;
    }

    private Response invokeOnce(Request request) throws InvocationFailed {
        if (!appPorts.knows(request.targetAppId())) {
            throw new InvocationFailed("fail to invoke, id: " + request.targetAppId()
                    + ", err: couldn't find service: " + request.targetAppId());
        }
        OptionalInt port = appPorts.port(request.targetAppId());
        if (port.isEmpty()) {
            throw new InvocationFailed("fail to invoke, id: " + request.targetAppId() + ", err: the app's port is not known yet");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port.getAsInt() + request.rawPathAndQuery()))
                .timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        builder.header("dapr-caller-app-id", request.callerAppId());
        builder.header("dapr-callee-app-id", request.targetAppId());
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new InvocationFailed("fail to invoke, id: " + request.targetAppId() + ", err: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvocationFailed("fail to invoke, id: " + request.targetAppId() + ", err: interrupted");
        }
    }
}
