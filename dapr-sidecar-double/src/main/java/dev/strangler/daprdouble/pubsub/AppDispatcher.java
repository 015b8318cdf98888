package dev.strangler.daprdouble.pubsub;

import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.DeliverySettings;
import dev.strangler.daprdouble.resiliency.Resiliency;
import dev.strangler.daprdouble.resiliency.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The delivery side of one sidecar: asks the app for its subscriptions once, when the app first answers (daprd
 * reads {@code GET /dapr/subscribe} once at start), and pushes the messages it owes the app to the subscribed
 * routes. A failed delivery is retried only as the Resiliency policy for the pub/sub component says
 * (pkg/runtime/subscription/subscription.go runs the component's inbound policy); when that gives up, or without a
 * policy at once, the message goes to the subscription's dead-letter topic, or, without one, stays unacknowledged
 * for pubsub.redis to deliver again later. Deliveries run on a shared executor, so a slow app never blocks a
 * publisher or another app.
 */
final class AppDispatcher {

    private static final Logger log = LoggerFactory.getLogger(AppDispatcher.class);
    private static final long SUBSCRIBE_RETRY_MILLIS = 500;

    private final AppSpec app;
    private final AppPorts ports;
    private final Broker broker;
    private final SubscriberClient client;
    private final DeliverySettings settings;
    private final Resiliency resiliency;
    private final DeliveryControls controls;
    private final ScheduledExecutorService senders;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final List<PendingDelivery> queue = new ArrayList<>();
    private final Set<PendingDelivery> inFlight = new HashSet<>();
    private volatile Map<TopicKey, Subscription> routes = Map.of();
    private volatile boolean running;
    private volatile boolean subscribed;
    private long epoch;
    private long nextRefreshAt;
    private Thread thread;

    AppDispatcher(AppSpec app, AppPorts ports, Broker broker, SubscriberClient client, DeliverySettings settings,
                  Resiliency resiliency, DeliveryControls controls, ScheduledExecutorService senders) {
        this.app = app;
        this.ports = ports;
        this.broker = broker;
        this.client = client;
        this.settings = settings;
        this.resiliency = resiliency;
        this.controls = controls;
        this.senders = senders;
    }

    String appId() {
        return app.appId();
    }

    void start() {
        running = true;
        thread = new Thread(this::loop, "dapr-double-delivery-" + app.appId());
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    List<Subscription> subscriptions() {
        return List.copyOf(routes.values());
    }

    void enqueue(long seq, TopicKey topic, int attempts) {
        lock.lock();
        try {
            PendingDelivery delivery = new PendingDelivery(seq, topic, epoch, attempts);
            delivery.dueAtMillis = System.currentTimeMillis();
            delivery.firstAttemptAtMillis = delivery.dueAtMillis;
            queue.add(delivery);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Everything not yet acknowledged, in flight included: a restart delivers those again (at least once). */
    List<BrokerSnapshot.Pending> pending() {
        lock.lock();
        try {
            List<BrokerSnapshot.Pending> result = new ArrayList<>();
            queue.forEach(d -> result.add(new BrokerSnapshot.Pending(app.appId(), d.seq, d.attempts)));
            inFlight.forEach(d -> result.add(new BrokerSnapshot.Pending(app.appId(), d.seq, d.attempts)));
            return result;
        } finally {
            lock.unlock();
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return queue.size() + inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            epoch++;
            queue.clear();
            inFlight.clear();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (running) {
            try {
                refreshSubscriptionsIfDue();
                List<PendingDelivery> batch = takeDueOrWait();
                if (!batch.isEmpty()) {
                    dispatch(batch);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                log.error("event=delivery-loop-error app={} error=\"{}\"", app.appId(), e.toString());
            }
        }
    }

    /** Until the app answers once, as daprd waits for the app's port; then never again. */
    private void refreshSubscriptionsIfDue() {
        if (subscribed || System.currentTimeMillis() < nextRefreshAt) {
            return;
        }
        OptionalInt port = ports.port(app.appId());
        Optional<List<Subscription>> fetched = port.isPresent() ? client.subscriptions(port.getAsInt()) : Optional.empty();
        if (fetched.isEmpty()) {
            nextRefreshAt = System.currentTimeMillis() + SUBSCRIBE_RETRY_MILLIS;
            return;
        }
        Map<TopicKey, Subscription> fresh = fetched.get().stream()
                .collect(Collectors.toMap(Subscription::topicKey, Function.identity(), (a, b) -> a));
        routes = Map.copyOf(fresh);
        subscribed = true;
        nextRefreshAt = Long.MAX_VALUE;
        if (fresh.isEmpty()) {
            log.warn("event=no-subscriptions app={} note=\"GET /dapr/subscribe is read once; restart the sidecar to read it again\"",
                    app.appId());
        }
        fresh.values().forEach(s -> log.info("event=subscribed app={} pubsub={} topic={} route={} deadLetterTopic={}",
                app.appId(), s.pubsubName(), s.topic(), s.route(), s.deadLetterTopic()));
        broker.openGroups(app.appId(), fresh.keySet());
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<PendingDelivery> takeDueOrWait() throws InterruptedException {
        lock.lock();
        try {
            ReorderSettings reorder = controls.reorder();
            int capacity = (reorder.enabled() ? Math.max(settings.concurrency(), reorder.window()) : settings.concurrency())
                    - inFlight.size();
            long now = System.currentTimeMillis();
            Map<TopicKey, Subscription> current = routes;
            List<PendingDelivery> due = new ArrayList<>();
            long nextDue = Long.MAX_VALUE;
            for (PendingDelivery d : queue) {
                if (!current.containsKey(d.topicKey)) {
                    continue;
                }
                if (d.dueAtMillis <= now) {
                    due.add(d);
                } else {
                    nextDue = Math.min(nextDue, d.dueAtMillis);
                }
            }
            if (capacity <= 0 || due.isEmpty()) {
                long wakeAt = Math.min(nextDue, nextRefreshAt);
                wake.await(Math.max(1, Math.min(wakeAt - now, 1000)), TimeUnit.MILLISECONDS);
                return List.of();
            }
            due.sort(Comparator.comparingLong(d -> d.seq));
            List<PendingDelivery> batch = new ArrayList<>(due.subList(0, Math.min(capacity, due.size())));
            queue.removeAll(batch);
            inFlight.addAll(batch);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(List<PendingDelivery> batch) {
        ReorderSettings reorder = controls.reorder();
        if (reorder.enabled()) {
            Collections.shuffle(batch);
        }
        for (PendingDelivery d : batch) {
            long delay = reorder.enabled() && reorder.maxDelayMillis() > 0
                    ? ThreadLocalRandom.current().nextLong(reorder.maxDelayMillis() + 1) : 0;
            senders.schedule(() -> attempt(d), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void attempt(PendingDelivery d) {
        Subscription subscription = routes.get(d.topicKey);
        Optional<StoredEvent> event = broker.event(d.seq);
        DeliveryOutcome outcome;
        if (event.isEmpty()) {
            outcome = new DeliveryOutcome.Success("message no longer on the broker");
        } else if (subscription == null) {
            outcome = new DeliveryOutcome.Success("app does not subscribe to " + d.topicKey);
        } else {
            outcome = send(subscription, event.get());
        }
        complete(d, subscription, outcome);
    }

    private DeliveryOutcome send(Subscription subscription, StoredEvent event) {
        Optional<DeliveryFault.Mode> fault = controls.drawFault(app.appId());
        if (fault.isPresent() && fault.get() == DeliveryFault.Mode.FAIL_BEFORE_SEND) {
            return new DeliveryOutcome.Failure("injected failure: not sent", 500);
        }
        OptionalInt port = ports.port(app.appId());
        if (port.isEmpty()) {
            return new DeliveryOutcome.Failure("the app's port is not known", -1);
        }
        DeliveryOutcome outcome = client.deliver(port.getAsInt(), subscription, event.cloudEvent(), broker.traceParent(event));
        if (fault.isPresent()) {
            return new DeliveryOutcome.Failure("injected failure: answer lost after " + outcome.reason(), -1);
        }
        return outcome;
    }

    private void complete(PendingDelivery d, Subscription subscription, DeliveryOutcome outcome) {
        String deadLetterReason = null;
        lock.lock();
        try {
            if (d.epoch != epoch || !inFlight.remove(d)) {
                return;
            }
            long now = System.currentTimeMillis();
            if (outcome instanceof DeliveryOutcome.Drop drop) {
                deadLetterReason = drop.reason();
            } else if (outcome instanceof DeliveryOutcome.Failure failure) {
                d.attempts++;
                OptionalLong retryIn = retryDelay(d, failure, now);
                if (retryIn.isPresent()) {
                    d.dueAtMillis = now + retryIn.getAsLong();
                    queue.add(d);
                } else if (subscription != null && subscription.hasDeadLetterTopic()) {
                    deadLetterReason = "failed after " + d.attempts + " attempt(s): " + failure.reason();
                } else {
                    // Unacknowledged: pubsub.redis delivers it again later, and the policy starts over.
                    long redeliverIn = broker.redeliveryDelay(d.topicKey.pubsubName()).toMillis();
                    log.warn("event=delivery-not-acknowledged app={} topic={} seq={} attempts={} redeliverInMs={} reason=\"{}\"",
                            app.appId(), d.topicKey, d.seq, d.attempts, redeliverIn, failure.reason());
                    d.attempts = 0;
                    d.dueAtMillis = now + redeliverIn;
                    d.firstAttemptAtMillis = d.dueAtMillis;
                    queue.add(d);
                }
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        logOutcome(d, outcome);
        if (deadLetterReason != null) {
            broker.deadLetter(app.appId(), d.seq, d.attempts, subscription, deadLetterReason);
        } else if (outcome instanceof DeliveryOutcome.NotFound notFound) {
            broker.dropped(app.appId(), d.seq, d.attempts, notFound.reason());
        }
        broker.changed();
    }

    /** The Resiliency policy's wait before the next try, or empty when there is no policy or it gives up. */
    private OptionalLong retryDelay(PendingDelivery d, DeliveryOutcome.Failure failure, long now) {
        Optional<RetryPolicy> policy = resiliency.pubsubInbound(d.topicKey.pubsubName(), app.appId());
        if (policy.isEmpty() || (failure.status() > 0 && !policy.get().retriesStatus(failure.status()))) {
            return OptionalLong.empty();
        }
        return policy.get().delayBeforeRetry(d.attempts, Duration.ofMillis(now - d.firstAttemptAtMillis));
    }

    private void logOutcome(PendingDelivery d, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Success) {
            log.debug("event=delivered app={} topic={} seq={}", app.appId(), d.topicKey, d.seq);
        } else if (outcome instanceof DeliveryOutcome.Failure) {
            log.info("event=delivery-failed app={} topic={} seq={} attempts={} reason=\"{}\"",
                    app.appId(), d.topicKey, d.seq, d.attempts, outcome.reason());
        } else if (outcome instanceof DeliveryOutcome.Drop) {
            log.warn("event=delivery-dropped app={} topic={} seq={} reason=\"{}\"", app.appId(), d.topicKey, d.seq, outcome.reason());
        } else {
            log.error("event=delivery-not-found app={} topic={} seq={} reason=\"{}\" note=\"acknowledged and dropped\"",
                    app.appId(), d.topicKey, d.seq, outcome.reason());
        }
    }
}
