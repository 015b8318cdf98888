package dev.strangler.orders.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a CloudEvent's {@code data}, whether embedded as JSON or carried as a JSON string. */
final class CloudEventData {

    private CloudEventData() {
    }

    static JsonNode node(ObjectMapper json, JsonNode cloudEvent) throws JsonProcessingException {
        JsonNode data = cloudEvent.path("data");
        if (data.isMissingNode() || data.isNull()) {
            throw new IllegalArgumentException("the CloudEvent has no data");
        }
        return data.isTextual() ? json.readTree(data.asText()) : data;
    }

    static <T> T read(ObjectMapper json, JsonNode cloudEvent, Class<T> type) throws JsonProcessingException {
        return json.treeToValue(node(json, cloudEvent), type);
    }
}
