package dev.strangler.orders.sync;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.state.DaprState;
import dev.strangler.orders.state.StateConflictException;
import dev.strangler.orders.state.Versioned;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Sync events that a subscriber would not or could not take end on a dead-letter topic ({@code orders-dead} for the
 * monolith's subscription, {@code legacy-orders-dead} for ours). They are parked here, in {@code indexstore}, until
 * an operator has fixed the cause and replays them: each is published again, unchanged, on its original topic.
 * Subscribers apply by version, so replaying an event that was meanwhile superseded is harmless.
 */
@Component
public class DeadLetters {

    /** A parked event: where it came from and its data, as it was published. */
    public record Parked(String cloudEventId, String originalTopic, JsonNode data, Instant parkedAt) {
    }

    record Document(List<Parked> events) {
    }

    /** What a replay did. */
    public record ReplayResult(int replayed, int remaining) {
    }

    static final String KEY = "dead-letters";
    static final Map<String, String> ORIGINAL_TOPIC = Map.of(
            "orders-dead", "orders",
            "legacy-orders-dead", "legacy-orders");
    private static final int MAX_ATTEMPTS = 50;
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DaprState state;
    private final DaprClient dapr;
    private final Clock clock;
    private final OrdersProperties properties;

    DeadLetters(DaprState state, DaprClient dapr, Clock clock, OrdersProperties properties) {
        this.state = state;
        this.dapr = dapr;
        this.clock = clock;
        this.properties = properties;
    }

    public List<Parked> parked() {
        return state.get(properties.indexStore(), KEY, Document.class).map(doc -> doc.value().events()).orElse(List.of());
    }

    void park(String deadLetterTopic, String cloudEventId, JsonNode data) {
        String original = ORIGINAL_TOPIC.getOrDefault(deadLetterTopic, deadLetterTopic);
        update(events -> {
            if (events.stream().noneMatch(parked -> parked.cloudEventId().equals(cloudEventId))) {
                events.add(new Parked(cloudEventId, original, data, clock.instant()));
            }
            return events;
        });
        log.warn("event=dead_letter_parked topic={} originalTopic={} cloudEventId={}", deadLetterTopic, original, cloudEventId);
    }

    /** Publishes every parked event again on its original topic; each one leaves the parking once published. */
    public synchronized ReplayResult replay() {
        List<Parked> toReplay = parked();
        Set<String> replayed = new HashSet<>();
        for (Parked parked : toReplay) {
            dapr.publishEvent(new PublishEventRequest(properties.pubsub(), parked.originalTopic(), state.write(parked.data()))
                    .setContentType("application/json")).block(properties.sidecarTimeout());
            replayed.add(parked.cloudEventId());
            log.info("event=dead_letter_replayed topic={} cloudEventId={}", parked.originalTopic(), parked.cloudEventId());
        }
        List<Parked> remaining = update(events -> {
            events.removeIf(parked -> replayed.contains(parked.cloudEventId()));
            return events;
        });
        return new ReplayResult(replayed.size(), remaining.size());
    }

    private List<Parked> update(UnaryOperator<List<Parked>> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<Document>> current = state.get(properties.indexStore(), KEY, Document.class);
            List<Parked> events = change.apply(new ArrayList<>(current.map(doc -> doc.value().events()).orElse(List.of())));
            try {
                if (current.isEmpty()) {
                    if (state.insertIfAbsent(properties.indexStore(), KEY, new Document(events))) {
                        return events;
                    }
                } else {
                    state.replace(properties.indexStore(), KEY, new Document(events), current.get().etag());
                    return events;
                }
            } catch (StateConflictException concurrentChange) {
                // Re-read and apply the change again.
            }
        }
        throw new IllegalStateException("the dead-letter parking kept changing; try again");
    }
}
