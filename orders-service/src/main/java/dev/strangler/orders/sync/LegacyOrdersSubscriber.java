package dev.strangler.orders.sync;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.orders.order.OrderEvent;
import dev.strangler.orders.order.OrderSource;
import io.dapr.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives the monolith's order events (topic {@code legacy-orders}). SUCCESS for applied, stale and duplicate events
 * alike, DROP (so to the dead-letter topic) for an unreadable one, and a 5xx for anything else so that Dapr delivers
 * it again. Never 404: Dapr drops an event on 404.
 */
@RestController
class LegacyOrdersSubscriber {

    static final String TOPIC = "legacy-orders";
    static final String DEAD_LETTER_TOPIC = "legacy-orders-dead";

    private static final Logger log = LoggerFactory.getLogger(LegacyOrdersSubscriber.class);

    private final LegacyEventApplier applier;
    private final ObjectMapper json;

    LegacyOrdersSubscriber(LegacyEventApplier applier, ObjectMapper json) {
        this.applier = applier;
        this.json = json;
    }

    @Topic(name = TOPIC, pubsubName = "${orders.pubsub:pubsub}", deadLetterTopic = DEAD_LETTER_TOPIC)
    @PostMapping(path = "/dapr/sync/legacy-orders", consumes = {"application/cloudevents+json", MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> onLegacyOrderEvent(@RequestBody JsonNode cloudEvent) {
        OrderEvent event;
        try {
            event = CloudEventData.read(json, cloudEvent, OrderEvent.class);
            if (event.order() == null) {
                throw new IllegalArgumentException("no order in the event");
            }
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            log.warn("event=sync_event_dropped topic={} cloudEventId={} reason=\"{}\"", TOPIC, cloudEvent.path("id").asText(),
                    unreadable.getMessage());
            return Map.of("status", "DROP");
        }
        if (OrderSource.ORDERS_SERVICE.equals(event.source())) {
            log.info("event=sync_event_ignored reason=own_change orderId={} eventId={}", event.order().id(), event.eventId());
            return Map.of("status", "SUCCESS");
        }
        LegacyEventApplier.Outcome outcome = applier.apply(event);
        log.info("event=sync_event_applied topic={} orderId={} version={} type={} outcome={} eventId={}", TOPIC,
                event.order().id(), event.version(), event.type(), outcome, event.eventId());
        return Map.of("status", "SUCCESS");
    }
}
