package dev.strangler.legacy.sync;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes the outbox table's events to Dapr (topic {@code legacy-orders}) after their changes committed, oldest
 * first, deleting each row once the sidecar accepted it. At least once: a crash after the publish and before the
 * delete publishes that event again, which subscribers treat as a duplicate. While the sidecar is unreachable it
 * backs off and logs only the first failure and the recovery.
 *
 * <p>Stopping never interrupts the worker. H2 writes its file through an interruptible channel: an interrupt that
 * lands in a commit (or a query after Reactor's {@code block()} re-asserts the interrupt) closes the whole database,
 * and every request still in flight then fails with "The database has been closed". The worker is woken instead and
 * finishes the row at hand. It also stops only after the web server has stopped, so it never races a request.
 */
@Component
class OutboxPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    /** Below the web server's start/stop phase: started before the server takes requests, stopped after it stopped. */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 2048;

    private final OrderEventOutbox outbox;
    private final DaprClient dapr;
    private final SyncProperties properties;
    private final Object wakeUp = new Object();
    private volatile boolean running;
    private Thread worker;

    OutboxPublisher(OrderEventOutbox outbox, DaprClient dapr, SyncProperties properties) {
        this.outbox = outbox;
        this.dapr = dapr;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!properties.publish()) {
            log.info("event=outbox_publisher_disabled pending={}", outbox.pending());
            running = true;
            return;
        }
        running = true;
        worker = new Thread(this::run, "order-events-publisher");
        worker.setDaemon(true);
        worker.start();
        log.info("event=outbox_publisher_started topic={} pending={}", properties.topic(), outbox.pending());
    }

    @Override
    public void stop() {
        synchronized (wakeUp) {
            running = false;
            wakeUp.notifyAll();
        }
        if (worker == null) {
            return;
        }
        try {
            // The row at hand may wait for one publish (bounded by its timeout) and one delete.
            worker.join(PUBLISH_TIMEOUT.multipliedBy(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            log.warn("event=outbox_publisher_stop_timeout pending={}", safePending());
        } else {
            log.info("event=outbox_publisher_stopped pending={}", safePending());
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backoff = properties.pollInterval();
        boolean failing = false;
        while (running) {
            try {
                int published = publishBatch();
                if (failing) {
                    log.info("event=outbox_publish_recovered pending={}", outbox.pending());
                    failing = false;
                }
                backoff = properties.pollInterval();
                if (published == 0) {
                    sleep(properties.pollInterval());
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("event=outbox_publish_failed pending={} retryIn={} cause=\"{}\"", safePending(), backoff, e.getMessage());
                    failing = true;
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : backoff.multipliedBy(2);
            }
        }
    }

    private int publishBatch() {
        List<OrderEventOutbox.Row> rows = outbox.oldest(properties.batchSize());
        for (OrderEventOutbox.Row row : rows) {
            if (!running) {
                break;
            }
            PublishEventRequest request = new PublishEventRequest(properties.pubsub(), properties.topic(),
                    row.payload().getBytes(StandardCharsets.UTF_8))
                    .setContentType("application/json")
                    .setMetadata(Map.of("cloudevent.id", row.eventId()));
            dapr.publishEvent(request).block(PUBLISH_TIMEOUT);
            outbox.delete(row.seq());
            log.info("event=order_event_published orderId={} eventId={} topic={}", row.orderId(), row.eventId(), properties.topic());
        }
        return rows.size();
    }

    private String safePending() {
        try {
            return Long.toString(outbox.pending());
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** Waits for the duration, or less when {@link #stop()} wakes the worker. */
    private void sleep(Duration duration) {
        synchronized (wakeUp) {
            if (!running) {
                return;
            }
            try {
                wakeUp.wait(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
