package dev.strangler.orders.admin;

import java.time.Clock;
import java.util.List;
import java.util.stream.LongStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.legacy.LegacyClient;
import dev.strangler.orders.legacy.LegacyPage;
import dev.strangler.orders.order.Order;
import dev.strangler.orders.order.OrderSource;
import dev.strangler.orders.state.DaprState;
import dev.strangler.orders.state.OrderIdAllocator;
import dev.strangler.orders.state.OrderIndex;
import dev.strangler.orders.state.OrderStore;
import dev.strangler.orders.sync.LegacyEventApplier;
import dev.strangler.orders.state.StoredOrder;
import dev.strangler.orders.state.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Copies every monolith order into the state store: keyset pages by ascending id through Dapr service invocation,
 * each order copied as a sync event is ({@link LegacyEventApplier#copy}: {@code saveState}, no outbox event, read
 * first, inserted if absent, replacing only an older version), so it never reverts a newer version this service
 * already holds, such as a cancel the monolith has not received yet. Progress is saved in {@code indexstore} after every page; a run that stopped
 * resumes where it was. Every order it sees, and then every order of this service's own id range, is (re)indexed,
 * so a run also rebuilds the listing index. One run at a time per instance, in the background.
 */
@Component
class Backfill implements DisposableBean {

    static final String PROGRESS_KEY = "backfill-progress";
    private static final int REINDEX_CHUNK = 100;
    private static final Logger log = LoggerFactory.getLogger(Backfill.class);

    private final LegacyClient legacy;
    private final OrderStore store;
    private final LegacyEventApplier copies;
    private final OrderIndex index;
    private final OrderIdAllocator ids;
    private final DaprState state;
    private final Clock clock;
    private final OrdersProperties properties;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "backfill");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    Backfill(LegacyClient legacy, OrderStore store, LegacyEventApplier copies, OrderIndex index, OrderIdAllocator ids,
             DaprState state, Clock clock, OrdersProperties properties) {
        this.legacy = legacy;
        this.store = store;
        this.copies = copies;
        this.index = index;
        this.ids = ids;
        this.state = state;
        this.clock = clock;
        this.properties = properties;
    }

    BackfillProgress progress() {
        return state.get(properties.indexStore(), PROGRESS_KEY, BackfillProgress.class).map(Versioned::value)
                .orElse(BackfillProgress.idle());
    }

    /**
     * Starts a run unless one is running here. An unfinished earlier run (RUNNING or FAILED) is resumed after its
     * last page; a finished one, or {@code fromStart}, starts again from the first order.
     */
    synchronized BackfillProgress start(boolean fromStart) {
        BackfillProgress previous = progress();
        if (running) {
            return previous;
        }
        boolean resume = !fromStart && previous.unfinished();
        BackfillProgress first = resume ? previous.resumed(clock.instant()) : BackfillProgress.fromStart(clock.instant());
        save(first);
        running = true;
        log.info("event=backfill_started resume={} afterId={} pages={} copied={}", resume, first.afterId(), first.pages(),
                first.copied());
        runner.execute(() -> run(first));
        return first;
    }

    private void run(BackfillProgress start) {
        BackfillProgress progress = start;
        try {
            while (true) {
                LegacyPage page = legacy.page(progress.afterId(), properties.syncPageSize());
                long copied = 0;
                for (Order order : page.orders()) {
                    if (copies.copy(order, OrderSource.LEGACY_MONOLITH) != LegacyEventApplier.Outcome.STALE) {
                        copied++;
                    }
                }
                index.add(page.orders());
                long lastId = page.orders().isEmpty() ? progress.afterId() : page.orders().get(page.orders().size() - 1).id();
                progress = progress.page(lastId, copied, page.orders().size() - copied, clock.instant());
                save(progress);
                log.info("event=backfill_page afterId={} orders={} copied={} totalCopied={}", lastId, page.orders().size(),
                        copied, progress.copied());
                if (page.nextAfterId() == null) {
                    break;
                }
            }
            long reindexed = reindexOwnOrders();
            log.info("event=backfill_reindexed ownOrders={}", reindexed);
            progress = progress.finished(clock.instant());
            save(progress);
            log.info("event=backfill_completed pages={} copied={} alreadyPresent={}", progress.pages(), progress.copied(),
                    progress.alreadyPresent());
        } catch (RuntimeException e) {
            log.warn("event=backfill_failed afterId={} cause=\"{}\"", progress.afterId(), e.getMessage());
            try {
                save(progress.failed(e.getMessage(), clock.instant()));
            } catch (RuntimeException alsoUnavailable) {
                log.warn("event=backfill_progress_not_saved cause=\"{}\"", alsoUnavailable.getMessage());
            }
        } finally {
            running = false;
        }
    }

    /**
     * Puts every order this service created back into the listing index, reading its own id range from the floor to
     * the counter in bulk: the index is written after the order, so a crash in between leaves an order unlisted.
     */
    private long reindexOwnOrders() {
        long highest = ids.highest();
        long found = 0;
        for (long from = properties.idFloor(); from <= highest; from += REINDEX_CHUNK) {
            List<Long> chunk = LongStream.rangeClosed(from, Math.min(highest, from + REINDEX_CHUNK - 1)).boxed().toList();
            List<Order> orders = store.findAll(chunk).stream().map(StoredOrder::order).toList();
            index.add(orders);
            found += orders.size();
        }
        return found;
    }

    private void save(BackfillProgress progress) {
        // Last write wins: only the single running backfill of this instance writes its progress.
        state.get(properties.indexStore(), PROGRESS_KEY, BackfillProgress.class).ifPresentOrElse(
                current -> state.replace(properties.indexStore(), PROGRESS_KEY, progress, current.etag()),
                () -> state.insertIfAbsent(properties.indexStore(), PROGRESS_KEY, progress));
    }

    @Override
    public void destroy() {
        runner.shutdownNow();
    }
}
