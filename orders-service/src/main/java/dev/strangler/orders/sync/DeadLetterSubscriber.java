package dev.strangler.orders.sync;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dapr.Topic;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Parks what lands on either sync dead-letter topic, for {@code POST /actuator/deadletters} to replay. */
@RestController
class DeadLetterSubscriber {

    private final DeadLetters deadLetters;
    private final ObjectMapper json;

    DeadLetterSubscriber(DeadLetters deadLetters, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.json = json;
    }

    @Topic(name = "orders-dead", pubsubName = "${orders.pubsub:pubsub}")
    @PostMapping(path = "/dapr/sync/orders-dead", consumes = {"application/cloudevents+json", MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> onOrdersDeadLetter(@RequestBody JsonNode cloudEvent) throws JsonProcessingException {
        return park("orders-dead", cloudEvent);
    }

    @Topic(name = "legacy-orders-dead", pubsubName = "${orders.pubsub:pubsub}")
    @PostMapping(path = "/dapr/sync/legacy-orders-dead", consumes = {"application/cloudevents+json", MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> onLegacyOrdersDeadLetter(@RequestBody JsonNode cloudEvent) throws JsonProcessingException {
        return park("legacy-orders-dead", cloudEvent);
    }

    private Map<String, String> park(String topic, JsonNode cloudEvent) throws JsonProcessingException {
        JsonNode data = cloudEvent.path("data").isMissingNode() ? cloudEvent : CloudEventData.node(json, cloudEvent);
        deadLetters.park(topic, cloudEvent.path("id").asText(), data);
        return Map.of("status", "SUCCESS");
    }
}
