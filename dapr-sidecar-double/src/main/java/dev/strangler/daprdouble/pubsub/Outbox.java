package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.OutboxSettings;
import dev.strangler.daprdouble.gojson.GoJson;
import dev.strangler.daprdouble.gojson.GoJsonException;
import dev.strangler.daprdouble.state.Concurrency;
import dev.strangler.daprdouble.state.StateException;
import dev.strangler.daprdouble.state.StateOperation;
import dev.strangler.daprdouble.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dapr's transactional outbox as daprd {@code pkg/runtime/pubsub/outbox.go} runs it:
 * <ol>
 *   <li>{@link #publishInternal}, before the transaction: upserts marked {@code outbox.projection=true} leave the
 *       stored writes and shape the event of the upsert with the same key; each remaining upsert publishes one
 *       internal message (id {@code outbox-<uuid>}) to {@code <appId><topic>outbox} and adds that id as a marker key
 *       (value {@code "0"}) to the transaction;</li>
 *   <li>the internal subscriber waits 1 s, then looks for the marker with back-off (500 ms, ×3, at most 3 s apart,
 *       10 s in all). Found: the message is decoded with plain {@code json.Unmarshal} and encoded again (numbers
 *       become float64: 14.00 is published as 14), published to the real topic, and the marker deleted. Not found:
 *       dropped with {@code outboxDiscardWhenMissingState}, else left for the broker to redeliver
 *       (pubsub.redis: after {@code processingTimeout} plus at most {@code redeliverInterval}), without end.</li>
 * </ol>
 * So a failed transaction (no marker) publishes nothing, and a committed one publishes about a second later.
 */
public final class Outbox implements AutoCloseable {

    public static final String PROJECTION_METADATA = "outbox.projection";
    /** defaultStateScanDelay. */
    static final Duration STATE_SCAN_DELAY = Duration.ofSeconds(1);
    private static final long MARKER_INITIAL_MILLIS = 500;
    private static final long MARKER_MAX_INTERVAL_MILLIS = 3_000;
    private static final long MARKER_MAX_ELAPSED_MILLIS = 10_000;
    private static final double MARKER_MULTIPLIER = 3;
    private static final double MARKER_RANDOMIZATION = 0.1;
    private static final byte[] MARKER_VALUE = "\"0\"".getBytes(StandardCharsets.UTF_8);

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final Broker broker;
    private final CloudEvents cloudEvents;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong epoch = new AtomicLong();

    public Outbox(Broker broker, CloudEvents cloudEvents) {
        this.broker = broker;
        this.cloudEvents = cloudEvents;
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "dapr-double-outbox");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * PublishInternal: publishes the internal messages and returns what the transaction must store (projections
     * removed, one marker per upsert added). The caller runs the transaction; if it fails, the messages find no marker.
     */
    public List<StateOperation> publishInternal(StateStore store, OutboxSettings settings, String appId,
                                                List<StateOperation> operations, String traceParent, String traceState) {
        Map<String, StateOperation.Upsert> projections = new LinkedHashMap<>();
        List<StateOperation> stored = new ArrayList<>();
        for (StateOperation op : operations) {
            if (op instanceof StateOperation.Upsert upsert && ComponentSpec.TRUTHY.contains(
                    upsert.metadata().getOrDefault(PROJECTION_METADATA, "").toLowerCase(Locale.ROOT))) {
                projections.put(upsert.key(), upsert);
            } else {
                stored.add(op);
            }
        }
        List<StateOperation> withMarkers = new ArrayList<>(stored);
        for (StateOperation op : stored) {
            if (!(op instanceof StateOperation.Upsert upsert)) {
                continue;
            }
            String marker = "outbox-" + UUID.randomUUID();
            StateOperation.Upsert source = projections.getOrDefault(upsert.key(), upsert);
            ObjectNode ce = cloudEvents.envelope(new CloudEvents.Envelope(marker, appId, "", "", settings.outboxPubsub(),
                    source.metadata().getOrDefault("contentType", ""), source.value(), "", traceState));
            ce.put("traceid", traceParent == null ? "" : traceParent);
            CloudEvents.copyMetadata(ce, upsert.metadata());
            StoredEvent internal = broker.publish(settings.outboxPubsub(), settings.internalTopic(appId), ce);
            pending.incrementAndGet();
            schedule(store, settings, marker, internal.cloudEvent(), epoch.get(), STATE_SCAN_DELAY.toMillis());
            // The marker is written unprefixed: daprd appends it after prefixing the app's own keys.
            withMarkers.add(new StateOperation.Upsert(marker, MARKER_VALUE, null, Concurrency.LAST_WRITE, Map.of()));
        }
        return withMarkers;
    }

    /** After a restart from the data file: internal messages whose marker is still stored were not processed yet. */
    public void resume(Collection<StateStore> stores, Collection<String> appIds) {
        for (StateStore store : stores) {
            store.outbox().ifPresent(settings -> {
                for (String appId : appIds) {
                    for (JsonNode ce : broker.events(settings.outboxPubsub(), settings.internalTopic(appId))) {
                        String marker = ce.path("id").asText();
                        if (store.get(marker).isPresent()) {
                            pending.incrementAndGet();
                            schedule(store, settings, marker, cloudEvents.write(ce), epoch.get(), STATE_SCAN_DELAY.toMillis());
                        }
                    }
                }
            });
        }
    }

    /** Internal messages published but neither forwarded nor dropped yet. */
    public int pendingCount() {
        return pending.get();
    }

    /** Forgets every internal message in flight (the test hooks' reset). */
    public void reset() {
        epoch.incrementAndGet();
        pending.set(0);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void schedule(StateStore store, OutboxSettings settings, String marker, String cloudEvent, long taskEpoch, long delayMillis) {
        scheduler.schedule(() -> lookForMarker(store, settings, marker, cloudEvent, taskEpoch, System.currentTimeMillis(),
                MARKER_INITIAL_MILLIS), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void lookForMarker(StateStore store, OutboxSettings settings, String marker, String cloudEvent, long taskEpoch,
                               long startedAt, long interval) {
        if (taskEpoch != epoch.get()) {
            return;
        }
        boolean found;
        try {
            found = store.get(marker).map(item -> item.data().length > 0).orElse(false);
        } catch (StateException unavailable) {
            found = false;
        }
        if (found) {
            forward(store, settings, marker, cloudEvent, taskEpoch);
            return;
        }
        // cenkalti/backoff ExponentialBackOff as outbox.go configures it.
        long elapsed = System.currentTimeMillis() - startedAt;
        double delta = MARKER_RANDOMIZATION * interval;
        long next = (long) (interval - delta + ThreadLocalRandom.current().nextDouble() * (2 * delta + 1));
        long nextInterval = Math.min((long) (interval * MARKER_MULTIPLIER), MARKER_MAX_INTERVAL_MILLIS);
        if (elapsed + next <= MARKER_MAX_ELAPSED_MILLIS) {
            scheduler.schedule(() -> lookForMarker(store, settings, marker, cloudEvent, taskEpoch, startedAt, nextInterval),
                    next, TimeUnit.MILLISECONDS);
            return;
        }
        if (settings.discardWhenMissingState()) {
            log.warn("event=outbox-discarded store={} id={} reason=\"outbox state not found\" note=\"outboxDiscardWhenMissingState\"",
                    store.name(), marker);
            pending.decrementAndGet();
            return;
        }
        long redeliverIn = broker.redeliveryDelay(settings.outboxPubsub()).toMillis();
        log.warn("event=outbox-rejected store={} id={} reason=\"outbox state not found\" redeliverInMs={}",
                store.name(), marker, redeliverIn);
        schedule(store, settings, marker, cloudEvent, taskEpoch, redeliverIn + STATE_SCAN_DELAY.toMillis());
    }

    @SuppressWarnings("unchecked")
    private void forward(StateStore store, OutboxSettings settings, String marker, String cloudEvent, long taskEpoch) {
        byte[] reencoded;
        try {
            Map<String, Object> ce = (Map<String, Object>) GoJson.decode(cloudEvent.getBytes(StandardCharsets.UTF_8), false);
            ce.put("topic", settings.publishTopic());
            ce.put("pubsubname", settings.publishPubsub());
            reencoded = GoJson.encode(ce);
        } catch (GoJsonException | ClassCastException e) {
            log.error("event=outbox-unreadable store={} id={} error=\"{}\"", store.name(), marker, e.getMessage());
            schedule(store, settings, marker, cloudEvent, taskEpoch, broker.redeliveryDelay(settings.outboxPubsub()).toMillis());
            return;
        }
        if (taskEpoch != epoch.get()) {
            return;
        }
        broker.publishRaw(settings.publishPubsub(), settings.publishTopic(), new String(reencoded, StandardCharsets.UTF_8));
        pending.decrementAndGet();
        try {
            store.apply(List.of(new StateOperation.Delete(marker, null, Concurrency.LAST_WRITE, Map.of())));
        } catch (StateException e) {
            log.warn("event=outbox-marker-kept store={} id={} error=\"{}\"", store.name(), marker, e.getMessage());
        }
    }
}
