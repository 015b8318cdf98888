package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.daprdouble.config.OutboxSettings;
import dev.strangler.daprdouble.state.StateOperation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Dapr's transactional outbox (daprd {@code pkg/runtime/pubsub/outbox.go}): one event per upsert of a committed
 * transaction; an upsert marked {@code outbox.projection=true} on the same key replaces that event's payload and
 * is not persisted. Deletes publish nothing.
 */
public final class Outbox {

    public static final String PROJECTION_METADATA = "outbox.projection";
    private static final Set<String> TRUTHY = Set.of("1", "t", "true", "y", "yes", "on");

    private final Broker broker;
    private final CloudEvents cloudEvents;

    public Outbox(Broker broker, CloudEvents cloudEvents) {
        this.broker = broker;
        this.cloudEvents = cloudEvents;
    }

    /** The transaction split into what is persisted and the projections that only shape events. */
    public record Plan(List<StateOperation> persisted, Map<String, StateOperation.Upsert> projections) {
    }

    public static Plan plan(List<StateOperation> operations) {
        List<StateOperation> persisted = new ArrayList<>();
        Map<String, StateOperation.Upsert> projections = new LinkedHashMap<>();
        for (StateOperation op : operations) {
            if (op instanceof StateOperation.Upsert upsert
                    && TRUTHY.contains(upsert.metadata().getOrDefault(PROJECTION_METADATA, "").toLowerCase(Locale.ROOT))) {
                projections.put(upsert.key(), upsert);
            } else {
                persisted.add(op);
            }
        }
        return new Plan(persisted, projections);
    }

    /** Publishes after the commit; daprd checks the transaction's marker key before publishing, with the same effect. */
    public void publishCommitted(OutboxSettings settings, String appId, Plan plan, String traceParent, String traceState) {
        for (StateOperation op : plan.persisted()) {
            if (!(op instanceof StateOperation.Upsert upsert)) {
                continue;
            }
            StateOperation.Upsert source = plan.projections().getOrDefault(upsert.key(), upsert);
            String contentType = source.metadata().getOrDefault("contentType", "");
            ObjectNode ce = cloudEvents.envelope(new CloudEvents.Envelope("outbox-" + UUID.randomUUID(), appId, "",
                    settings.publishTopic(), settings.publishPubsub(), contentType, source.value(), "", traceState));
            ce.put("traceid", traceParent == null ? "" : traceParent);
            CloudEvents.copyMetadata(ce, upsert.metadata());
            broker.publish(settings.publishPubsub(), settings.publishTopic(), ce);
        }
    }
}
