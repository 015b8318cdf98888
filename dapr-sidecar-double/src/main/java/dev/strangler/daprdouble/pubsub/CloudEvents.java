package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.strangler.daprdouble.gojson.GoJson;
import dev.strangler.daprdouble.gojson.GoJsonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds CloudEvents 1.0 envelopes the way components-contrib's {@code NewCloudEventsEnvelope} does:
 * JSON data is embedded as JSON, binary data goes to {@code data_base64}, anything else is a string.
 */
public final class CloudEvents {

    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String DEFAULT_TYPE = "com.dapr.event.sent";
    public static final String DEFAULT_DATA_CONTENT_TYPE = "text/plain";

    private final ObjectMapper json;

    public CloudEvents(ObjectMapper json) {
        this.json = json;
    }

    /** The fields daprd fills in; trace values may be empty strings, as daprd leaves them. */
    public record Envelope(String id, String source, String type, String topic, String pubsubName,
                           String dataContentType, byte[] data, String traceParent, String traceState) {
    }

    public ObjectNode envelope(Envelope e) {
        String contentType = e.dataContentType() == null || e.dataContentType().isEmpty()
                ? DEFAULT_DATA_CONTENT_TYPE : e.dataContentType();
        ObjectNode ce = json.createObjectNode();
        ce.put("id", e.id() == null || e.id().isEmpty() ? UUID.randomUUID().toString() : e.id());
        ce.put("source", e.source());
        ce.put("type", e.type() == null || e.type().isEmpty() ? DEFAULT_TYPE : e.type());
        ce.put("specversion", "1.0");
        ce.put("datacontenttype", contentType);
        ce.put("topic", e.topic());
        ce.put("pubsubname", e.pubsubName());
        ce.put("traceparent", nullToEmpty(e.traceParent()));
        ce.put("traceid", nullToEmpty(e.traceParent()));
        ce.put("tracestate", nullToEmpty(e.traceState()));
        ce.put("time", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        byte[] data = e.data() == null ? new byte[0] : e.data();
        if (isJson(contentType)) {
            ce.set("data", parseOrString(data));
        } else if (isBinary(contentType)) {
            ce.put("data_base64", Base64.getEncoder().encodeToString(data));
        } else {
            ce.put("data", new String(data, StandardCharsets.UTF_8));
        }
        return ce;
    }

    /**
     * An app may publish its own CloudEvent ({@code application/cloudevents+json}); daprd keeps it and fills the
     * routing fields, and any missing required ones.
     */
    public ObjectNode fromAppCloudEvent(byte[] data, String source, String topic, String pubsubName, String traceParent) {
        JsonNode parsed;
        try {
            parsed = json.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create cloudevent: " + e.getMessage());
        }
        if (!(parsed instanceof ObjectNode ce)) {
            throw new IllegalArgumentException("cannot create cloudevent: the data is not a JSON object");
        }
        if (!ce.hasNonNull("id")) {
            ce.put("id", UUID.randomUUID().toString());
        }
        if (!ce.hasNonNull("source")) {
            ce.put("source", source);
        }
        if (!ce.hasNonNull("type")) {
            ce.put("type", DEFAULT_TYPE);
        }
        if (!ce.hasNonNull("specversion")) {
            ce.put("specversion", "1.0");
        }
        ce.put("topic", topic);
        ce.put("pubsubname", pubsubName);
        if (traceParent != null && !traceParent.isEmpty()) {
            ce.put("traceparent", traceParent);
            ce.put("traceid", traceParent);
        }
        return ce;
    }

    /** daprd copies an outbox operation's metadata into the envelope, except "data" and "id". */
    public static void copyMetadata(ObjectNode ce, Map<String, String> metadata) {
        metadata.forEach((key, value) -> {
            if (!"data".equals(key) && !"id".equals(key)) {
                ce.put(key, value);
            }
        });
    }

    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * components-contrib decodes JSON data with UseNumber (unmarshalPrecise) and daprd encodes the envelope with
     * encoding/json, so numbers keep their literal form and keys come sorted; data that is not JSON becomes a string.
     */
    private JsonNode parseOrString(byte[] data) {
        try {
            return json.getNodeFactory().rawValueNode(new RawValue(GoJson.encodeToString(GoJson.decode(data, true))));
        } catch (GoJsonException e) {
            return json.getNodeFactory().textNode(new String(data, StandardCharsets.UTF_8));
        }
    }

    static boolean isJson(String contentType) {
        String base = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }

    private static boolean isBinary(String contentType) {
        return contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
