package dev.strangler.legacy.sync;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.legacy.orders.OrderSource;
import io.dapr.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives orders-service's order events (topic {@code orders}, written by its Dapr outbox). Answers 2xx SUCCESS for
 * applied, stale and duplicate events alike, DROP (to the dead-letter topic) for an event that cannot be read, and
 * lets any other failure become a 500 so that Dapr delivers the event again. Never 404: Dapr drops on 404.
 */
@RestController
class OrdersTopicSubscriber {

    static final String TOPIC = "orders";
    static final String DEAD_LETTER_TOPIC = "orders-dead";

    private static final Logger log = LoggerFactory.getLogger(OrdersTopicSubscriber.class);

    private final OrderEventApplier applier;
    private final ObjectMapper json;

    OrdersTopicSubscriber(OrderEventApplier applier, ObjectMapper json) {
        this.applier = applier;
        this.json = json;
    }

    @Topic(name = TOPIC, pubsubName = "${legacy.sync.pubsub:pubsub}", deadLetterTopic = DEAD_LETTER_TOPIC)
    @PostMapping(path = "/dapr/sync/orders", consumes = {"application/cloudevents+json", MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> onOrderEvent(@RequestBody JsonNode cloudEvent) {
        OrderEvent event;
        try {
            JsonNode data = cloudEvent.path("data");
            event = json.treeToValue(data.isTextual() ? json.readTree(data.asText()) : data, OrderEvent.class);
            if (event == null || event.order() == null) {
                throw new IllegalArgumentException("no order in the event");
            }
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            log.warn("event=sync_event_dropped topic={} cloudEventId={} reason=\"{}\"", TOPIC, cloudEvent.path("id").asText(),
                    unreadable.getMessage());
            return Map.of("status", "DROP");
        }
        if (OrderSource.LEGACY_MONOLITH.equals(event.source())) {
            log.info("event=sync_event_ignored reason=own_change orderId={} eventId={}", event.order().id(), event.eventId());
            return Map.of("status", "SUCCESS");
        }
        OrderEventApplier.Outcome outcome = applier.apply(event);
        log.info("event=sync_event_applied topic={} orderId={} version={} type={} outcome={} eventId={}", TOPIC,
                event.order().id(), event.version(), event.type(), outcome, event.eventId());
        return Map.of("status", "SUCCESS");
    }
}
