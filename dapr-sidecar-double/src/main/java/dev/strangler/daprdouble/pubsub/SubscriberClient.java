package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Talks to an app the way daprd's HTTP app channel does for pub/sub: subscriptions and deliveries. */
public final class SubscriberClient {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final ObjectMapper json;

    public SubscriberClient(HttpClient http, ObjectMapper json) {
        this.http = http;
        this.json = json;
    }

    /**
     * {@code GET /dapr/subscribe} (pkg/runtime/pubsub/subscriptions.go GetSubscriptionsHTTP). Empty when the app
     * cannot be asked yet; any answer but 200 means "no subscriptions", as in daprd.
     */
    public Optional<List<Subscription>> subscriptions(int appPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/dapr/subscribe"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.of(List.of());
            }
            return Optional.of(parse(json.readTree(response.body())));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Accepts both shapes dapr-sdk-springboot and other SDKs produce: {@code route}, or {@code routes.default}/rules. */
    List<Subscription> parse(JsonNode body) {
        List<Subscription> result = new ArrayList<>();
        if (body == null || !body.isArray()) {
            return result;
        }
        for (JsonNode item : body) {
            String pubsub = field(item, "pubsubname");
            String topic = field(item, "topic");
            if (pubsub.isEmpty() || topic.isEmpty()) {
                continue;
            }
            String route = field(item, "route");
            JsonNode routes = fieldNode(item, "routes");
            if (routes != null) {
                for (JsonNode rule : routes.path("rules")) {
                    // CEL match expressions are not evaluated; an unconditional rule is a plain route.
                    if (field(rule, "match").isEmpty() && !field(rule, "path").isEmpty()) {
                        route = field(rule, "path");
                    }
                }
                if (!field(routes, "default").isEmpty()) {
                    route = field(routes, "default");
                }
            }
            if (route.isEmpty()) {
                route = topic;
            }
            result.add(new Subscription(pubsub, topic, route, field(item, "deadLetterTopic")));
        }
        return result;
    }

    /** POSTs one CloudEvent to the subscription's route and classifies the answer exactly as daprd does. */
    public DeliveryOutcome deliver(int appPort, Subscription subscription, String cloudEvent, String traceParent) {
        String path = subscription.route().startsWith("/") ? subscription.route() : "/" + subscription.route();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + path))
                .timeout(DELIVERY_TIMEOUT)
                .header("Content-Type", CloudEvents.CONTENT_TYPE)
                .header("pubsubname", subscription.pubsubName())
                .POST(HttpRequest.BodyPublishers.ofString(cloudEvent, StandardCharsets.UTF_8));
        if (traceParent != null && !traceParent.isEmpty()) {
            request.header("traceparent", traceParent);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new DeliveryOutcome.Failure("error returned from app channel while sending pub/sub event to app: " + e, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Failure("interrupted", -1);
        }
        int status = response.statusCode();
        if (status >= 200 && status <= 299) {
            return classify2xx(response.body());
        }
        if (status == 404) {
            return new DeliveryOutcome.NotFound("non-retriable error returned from app: status code returned: 404");
        }
        return new DeliveryOutcome.Failure("retriable error returned from app: status code returned: " + status, status);
    }

    private DeliveryOutcome classify2xx(byte[] body) {
        JsonNode answer;
        try {
            answer = body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            return new DeliveryOutcome.Success("2xx with a body that is not JSON");
        }
        String status = answer == null || !answer.isObject() ? "" : field(answer, "status");
        return switch (status) {
            case "", "SUCCESS" -> new DeliveryOutcome.Success("2xx");
            case "RETRY" -> new DeliveryOutcome.Failure("RETRY status returned from app", -1);
            case "DROP" -> new DeliveryOutcome.Drop("DROP status returned from app");
            default -> new DeliveryOutcome.Failure("unknown status returned from app: " + status, -1);
        };
    }

    /** Go's encoding/json matches field names case-insensitively, so daprd accepts pubsubName and pubsubname. */
    private static String field(JsonNode node, String name) {
        JsonNode value = fieldNode(node, name);
        return value == null || value.isNull() ? "" : value.asText("");
    }

    private static JsonNode fieldNode(JsonNode node, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
