package dev.strangler.daprdouble.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.grpc.DaprGrpcApi;
import dev.strangler.daprdouble.invoke.InvocationProxy;
import dev.strangler.daprdouble.pubsub.Broker;
import dev.strangler.daprdouble.pubsub.CloudEvents;
import dev.strangler.daprdouble.pubsub.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The Dapr HTTP API of one sidecar: what the Java SDK calls over HTTP (health, service invocation), plus
 * metadata and publish for completeness.
 */
public final class SidecarHttpApi implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(SidecarHttpApi.class);

    private final AppSpec app;
    private final AppPorts ports;
    private final InvocationProxy invocations;
    private final Broker broker;
    private final CloudEvents cloudEvents;
    private final List<ComponentSpec> components;
    private final ObjectMapper json;

    public SidecarHttpApi(AppSpec app, AppPorts ports, InvocationProxy invocations, Broker broker, CloudEvents cloudEvents,
                          List<ComponentSpec> components, ObjectMapper json) {
        this.app = app;
        this.ports = ports;
        this.invocations = invocations;
        this.broker = broker;
        this.cloudEvents = cloudEvents;
        this.components = components;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            log.error("event=http-api-error app={} path={} error=\"{}\"", app.appId(), exchange.getRequestURI().getRawPath(), e.toString());
            HttpExchanges.daprError(exchange, json, 500, "ERR_INTERNAL", e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/v1.0/healthz") || path.equals("/v1.0/healthz/outbound")) {
            HttpExchanges.empty(exchange, 204);
        } else if (path.equals("/v1.0/metadata") && method.equals("GET")) {
            HttpExchanges.json(exchange, json, 200, metadata());
        } else if (path.startsWith("/v1.0/invoke/")) {
            invoke(exchange, path.substring("/v1.0/invoke/".length()));
        } else if (path.startsWith("/v1.0/publish/") && method.equals("POST")) {
            publish(exchange, path.substring("/v1.0/publish/".length()));
        } else {
            HttpExchanges.daprError(exchange, json, 404, "ERR_NOT_FOUND",
                    "method \"" + method + " " + path + "\" is not found (the Dapr sidecar double serves only part of the Dapr API)");
        }
    }

    private void invoke(HttpExchange exchange, String rest) throws IOException {
        int marker = rest.indexOf("/method/");
        if (marker <= 0) {
            HttpExchanges.daprError(exchange, json, 400, "ERR_DIRECT_INVOKE", "invalid method name");
            return;
        }
        String target = URLDecoder.decode(rest.substring(0, marker), StandardCharsets.UTF_8);
        String pathAndQuery = rest.substring(marker + "/method".length());
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            pathAndQuery += "?" + query;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            InvocationProxy.Response response = invocations.invoke(new InvocationProxy.Request(app.appId(), target,
                    exchange.getRequestMethod(), pathAndQuery, exchange.getRequestHeaders(), body));
            response.headers().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                        && !name.equalsIgnoreCase("connection") && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            boolean noBody = exchange.getRequestMethod().equals("HEAD") || response.status() == 204 || response.status() == 304;
            HttpExchanges.send(exchange, response.status(), noBody ? new byte[0] : response.body());
        } catch (InvocationProxy.InvocationFailed e) {
            log.warn("event=invoke-failed app={} target={} error=\"{}\"", app.appId(), target, e.getMessage());
            HttpExchanges.daprError(exchange, json, 500, "ERR_DIRECT_INVOKE", e.getMessage());
        }
    }

    private void publish(HttpExchange exchange, String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            HttpExchanges.daprError(exchange, json, 404, "ERR_TOPIC_NAME_EMPTY", "topic is empty in pubsub " + rest);
            return;
        }
        String pubsub = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String topic = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
        if (!broker.hasPubsub(pubsub, app.appId())) {
            HttpExchanges.daprError(exchange, json, 404, "ERR_PUBSUB_NOT_FOUND", "pubsub " + pubsub + " not found");
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String traceParent = exchange.getRequestHeaders().getFirst("traceparent");
        ObjectNode ce;
        if (contentType != null && contentType.startsWith(CloudEvents.CONTENT_TYPE)) {
            try {
                ce = cloudEvents.fromAppCloudEvent(body, app.appId(), topic, pubsub, traceParent);
            } catch (IllegalArgumentException e) {
                HttpExchanges.daprError(exchange, json, 500, "ERR_PUBSUB_CLOUD_EVENTS_SER", e.getMessage());
                return;
            }
        } else {
            ce = cloudEvents.envelope(new CloudEvents.Envelope("", app.appId(), "", topic, pubsub,
                    contentType, body, traceParent, exchange.getRequestHeaders().getFirst("tracestate")));
        }
        broker.publish(pubsub, topic, ce);
        HttpExchanges.empty(exchange, 204);
    }

    private ObjectNode metadata() {
        ObjectNode root = json.createObjectNode();
        root.put("id", app.appId());
        root.put("runtimeVersion", DaprGrpcApi.RUNTIME_VERSION);
        ArrayNode list = root.putArray("components");
        for (ComponentSpec component : components) {
            if (component.visibleTo(app.appId())) {
                ObjectNode c = list.addObject();
                c.put("name", component.name());
                c.put("type", component.type());
                c.put("version", "v1");
                DaprGrpcApi.capabilities(component).forEach(c.putArray("capabilities")::add);
            }
        }
        ArrayNode subscriptions = root.putArray("subscriptions");
        for (Subscription s : broker.subscriptions(app.appId())) {
            ObjectNode node = subscriptions.addObject();
            node.put("pubsubname", s.pubsubName());
            node.put("topic", s.topic());
            node.put("deadLetterTopic", s.deadLetterTopic());
            node.putArray("rules").addObject().put("path", s.route());
        }
        root.set("appConnectionProperties", json.valueToTree(Map.of(
                "port", ports.port(app.appId()).orElse(0), "protocol", "http", "channelAddress", "127.0.0.1")));
        return root;
    }
}
