package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.DeliverySettings;
import dev.strangler.daprdouble.resiliency.Resiliency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one broker all sidecars share, modelled on Redis streams as pubsub.redis uses them: every message is kept on
 * its topic, each app reads a topic through its own consumer group, and a group opened late reads the topic from
 * the start. Deliveries are at least once.
 */
public final class Broker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    private static final Duration DEFAULT_PROCESSING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_REDELIVER_INTERVAL = Duration.ofSeconds(15);

    private final Map<String, ComponentSpec> pubsubs = new LinkedHashMap<>();
    private final ObjectMapper json;
    private final Runnable onChange;
    private final Map<String, AppDispatcher> dispatchers = new LinkedHashMap<>();
    private final Map<Long, StoredEvent> events = new ConcurrentHashMap<>();
    private final Set<BrokerSnapshot.Group> groups = new LinkedHashSet<>();
    private final List<BrokerSnapshot.Pending> parked = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final ScheduledExecutorService senders;
    private long lastSeq;

    public Broker(List<ComponentSpec> components, List<AppSpec> apps, AppPorts ports, SubscriberClient client, DeliverySettings settings,
                  Resiliency resiliency, DeliveryControls controls, ObjectMapper json, Runnable onChange) {
        components.stream().filter(ComponentSpec::isPubsub).forEach(c -> pubsubs.put(c.name(), c));
        this.json = json;
        this.onChange = onChange;
        this.senders = Executors.newScheduledThreadPool(Math.max(4, apps.size() * 2), runnable -> {
            Thread thread = new Thread(runnable, "dapr-double-sender");
            thread.setDaemon(true);
            return thread;
        });
        apps.forEach(app -> dispatchers.put(app.appId(),
                new AppDispatcher(app, ports, this, client, settings, resiliency, controls, senders)));
    }

    public void start() {
        dispatchers.values().forEach(AppDispatcher::start);
    }

    public boolean hasPubsub(String name, String appId) {
        ComponentSpec component = pubsubs.get(name);
        return component != null && component.visibleTo(appId);
    }

    public Collection<ComponentSpec> pubsubComponents() {
        return pubsubs.values();
    }

    /** Appends a CloudEvent to its topic and owes it to every app whose group reads that topic. */
    public synchronized StoredEvent publish(String pubsubName, String topic, ObjectNode cloudEvent) {
        return append(pubsubName, topic, write(cloudEvent));
    }

    /** Appends a CloudEvent already serialized (the outbox's re-encoded message) exactly as given. */
    public StoredEvent publishRaw(String pubsubName, String topic, String cloudEvent) {
        return append(pubsubName, topic, cloudEvent);
    }

    /** The messages on one topic of one pub/sub, oldest first, as CloudEvent JSON. */
    public List<JsonNode> events(String pubsubName, String topic) {
        return events.values().stream().filter(e -> e.pubsubName().equals(pubsubName) && e.topic().equals(topic))
                .sorted(Comparator.comparingLong(StoredEvent::seq))
                .map(e -> read(e.cloudEvent())).toList();
    }

    /**
     * How long pubsub.redis leaves a message its handler failed before delivering it again: it reclaims messages
     * pending for {@code processingTimeout} (60 s) on a tick of {@code redeliverInterval} (15 s), so at most both.
     */
    public Duration redeliveryDelay(String pubsubName) {
        ComponentSpec component = pubsubs.get(pubsubName);
        if (component == null) {
            return DEFAULT_PROCESSING_TIMEOUT.plus(DEFAULT_REDELIVER_INTERVAL);
        }
        return component.durationSetting("processingTimeout", DEFAULT_PROCESSING_TIMEOUT)
                .plus(component.durationSetting("redeliverInterval", DEFAULT_REDELIVER_INTERVAL));
    }

    private synchronized StoredEvent append(String pubsubName, String topic, String cloudEvent) {
        StoredEvent event = new StoredEvent(++lastSeq, pubsubName, topic, cloudEvent, Instant.now());
        events.put(event.seq(), event);
        TopicKey key = event.topicKey();
        for (BrokerSnapshot.Group group : groups) {
            if (group.pubsubName().equals(pubsubName) && group.topic().equals(topic)) {
                AppDispatcher dispatcher = dispatchers.get(group.appId());
                if (dispatcher != null) {
                    dispatcher.enqueue(event.seq(), key, 0);
                }
            }
        }
        log.info("event=published pubsub={} topic={} seq={} id={}", pubsubName, topic, event.seq(), idOf(event));
        onChange.run();
        return event;
    }

    /** A consumer group opened now reads the topic from its first message, as pubsub.redis creates groups at "0". */
    synchronized void openGroups(String appId, Set<TopicKey> topics) {
        AppDispatcher dispatcher = dispatchers.get(appId);
        for (TopicKey topic : topics) {
            BrokerSnapshot.Group group = new BrokerSnapshot.Group(appId, topic.pubsubName(), topic.topic());
            if (groups.add(group)) {
                events.values().stream().filter(e -> e.topicKey().equals(topic))
                        .sorted(Comparator.comparingLong(StoredEvent::seq))
                        .forEach(e -> dispatcher.enqueue(e.seq(), topic, 0));
            }
        }
        onChange.run();
    }

    Optional<StoredEvent> event(long seq) {
        return Optional.ofNullable(events.get(seq));
    }

    String traceParent(StoredEvent event) {
        JsonNode ce = read(event.cloudEvent());
        return ce.path("traceparent").asText("");
    }

    /** Like daprd's sendToDeadLetter: the message, unchanged, is published to the dead-letter topic. */
    void deadLetter(String appId, long seq, int attempts, Subscription subscription, String reason) {
        StoredEvent event = events.get(seq);
        if (event == null) {
            return;
        }
        String forwardTo = subscription != null && subscription.hasDeadLetterTopic() ? subscription.deadLetterTopic() : null;
        synchronized (this) {
            deadLetters.add(new DeadLetter(appId, event.pubsubName(), event.topic(), idOf(event), reason, attempts,
                    forwardTo, Instant.now(), event.cloudEvent()));
        }
        if (forwardTo != null) {
            log.warn("event=dead-lettered app={} topic={} id={} deadLetterTopic={} reason=\"{}\"",
                    appId, event.topicKey(), idOf(event), forwardTo, reason);
            append(event.pubsubName(), forwardTo, event.cloudEvent());
        } else {
            log.warn("event=dropped app={} topic={} id={} reason=\"{}\" note=\"no deadLetterTopic on the subscription\"",
                    appId, event.topicKey(), idOf(event), reason);
        }
    }

    /** A 404 answer: daprd logs it and acknowledges the message; it is listed here so that tests can see it. */
    void dropped(String appId, long seq, int attempts, String reason) {
        StoredEvent event = events.get(seq);
        if (event == null) {
            return;
        }
        synchronized (this) {
            deadLetters.add(new DeadLetter(appId, event.pubsubName(), event.topic(), idOf(event), reason, attempts,
                    null, Instant.now(), event.cloudEvent()));
        }
    }

    void changed() {
        onChange.run();
    }

    public List<Subscription> subscriptions(String appId) {
        AppDispatcher dispatcher = dispatchers.get(appId);
        return dispatcher == null ? List.of() : dispatcher.subscriptions();
    }

    /** Messages published to a topic (on any pubsub), oldest first, as CloudEvent JSON. */
    public List<JsonNode> publishedEvents(String topic) {
        return events.values().stream().filter(e -> e.topic().equals(topic))
                .sorted(Comparator.comparingLong(StoredEvent::seq))
                .map(e -> read(e.cloudEvent())).toList();
    }

    public synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Messages some app has not acknowledged yet (queued, in flight or waiting for a retry). */
    public int pendingDeliveries() {
        int pending = dispatchers.values().stream().mapToInt(AppDispatcher::pendingCount).sum();
        synchronized (this) {
            return pending + parked.size();
        }
    }

    public synchronized BrokerSnapshot snapshot() {
        List<BrokerSnapshot.Pending> pending = new ArrayList<>(parked);
        dispatchers.values().forEach(d -> pending.addAll(d.pending()));
        List<StoredEvent> all = events.values().stream()
                .sorted(Comparator.comparingLong(StoredEvent::seq)).toList();
        return new BrokerSnapshot(lastSeq, all, List.copyOf(groups), pending, List.copyOf(deadLetters));
    }

    /** Loads a snapshot before {@link #start()}; pending messages of app-ids not served this time stay parked. */
    public synchronized void restore(BrokerSnapshot snapshot) {
        lastSeq = snapshot.lastSeq();
        snapshot.events().forEach(e -> events.put(e.seq(), e));
        groups.addAll(snapshot.groups());
        deadLetters.addAll(snapshot.deadLetters());
        for (BrokerSnapshot.Pending pending : snapshot.pending()) {
            AppDispatcher dispatcher = dispatchers.get(pending.appId());
            StoredEvent event = events.get(pending.seq());
            if (dispatcher != null && event != null) {
                dispatcher.enqueue(pending.seq(), event.topicKey(), pending.attempts());
            } else if (event != null) {
                parked.add(pending);
            }
        }
    }

    /** Forgets every message, pending delivery and dead letter; subscriptions (consumer groups) stay. */
    public synchronized void reset() {
        dispatchers.values().forEach(AppDispatcher::clear);
        events.clear();
        parked.clear();
        deadLetters.clear();
        onChange.run();
    }

    @Override
    public void close() {
        dispatchers.values().forEach(AppDispatcher::stop);
        senders.shutdownNow();
    }

    private String idOf(StoredEvent event) {
        return read(event.cloudEvent()).path("id").asText("");
    }

    private JsonNode read(String cloudEvent) {
        try {
            return json.readTree(cloudEvent);
        } catch (IOException e) {
            throw new IllegalStateException("stored CloudEvents are JSON", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
