package dev.strangler.orders.order;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ApiException;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.error.UnavailableException;
import dev.strangler.orders.legacy.Catalog;
import dev.strangler.orders.legacy.LegacyClient;
import dev.strangler.orders.state.IdempotencyStore;
import dev.strangler.orders.state.OrderIdAllocator;
import dev.strangler.orders.state.OrderIndex;
import dev.strangler.orders.state.OrderStore;
import dev.strangler.orders.state.StateConflictException;
import dev.strangler.orders.state.StoredOrder;
import dev.strangler.orders.state.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The orders contract on Dapr state. A request marked as a shadow copy ({@code dryRun}) is validated and answered
 * exactly like a real one but changes nothing: no id is used up, nothing is stored or published.
 */
@Service
public class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);
    private static final int MAX_ATTEMPTS = 50;
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(3);
    private static final Duration REPLAY_POLL = Duration.ofMillis(50);

    private final OrderStore store;
    private final OrderIndex index;
    private final OrderIdAllocator ids;
    private final IdempotencyStore idempotency;
    private final Catalog catalog;
    private final LegacyClient legacy;
    private final Clock clock;
    private final OrdersProperties properties;

    OrderService(OrderStore store, OrderIndex index, OrderIdAllocator ids, IdempotencyStore idempotency,
                 Catalog catalog, LegacyClient legacy, Clock clock, OrdersProperties properties) {
        this.store = store;
        this.index = index;
        this.ids = ids;
        this.idempotency = idempotency;
        this.catalog = catalog;
        this.legacy = legacy;
        this.clock = clock;
        this.properties = properties;
    }

    public CreateOutcome create(OrderDraft draft, Optional<IdempotencyKey> key, boolean dryRun) {
        String fingerprint = draft.fingerprint();
        if (key.isPresent()) {
            Optional<IdempotencyStore.Reservation> earlier = idempotency.find(key.get());
            if (earlier.isPresent()) {
                return replay(earlier.get(), fingerprint, dryRun);
            }
        }
        Map<Long, BigDecimal> prices = catalog.priceDraft(draft);
        List<OrderItem> items = draft.lines().stream()
                .map(line -> new OrderItem(line.productId(), line.quantity(), prices.get(line.productId())))
                .toList();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (dryRun) {
            Order preview = new Order(ids.peek(), draft.customerId(), items, Order.totalOf(items), OrderStatus.CREATED, now, 1);
            log.info("event=order_create_dry_run customerId={} items={} total={}", preview.customerId(), items.size(), preview.total());
            return new CreateOutcome(preview, true);
        }
        Order order = new Order(ids.next(), draft.customerId(), items, Order.totalOf(items), OrderStatus.CREATED, now, 1);
        if (key.isPresent() && !idempotency.reserve(key.get(), new IdempotencyStore.Reservation(fingerprint, order))) {
            // A concurrent request with this key reserved it first: answer as its replay. Our id stays unused.
            return replay(idempotency.find(key.get()).orElseThrow(), fingerprint, false);
        }
        store.create(order);
        index.add(order);
        log.info("event=order_created orderId={} customerId={} items={} total={} idempotencyKey={}",
                order.id(), order.customerId(), items.size(), order.total(), key.isPresent());
        return new CreateOutcome(order, true);
    }

    public Order get(long id) {
        return find(id, true).map(Versioned::value).map(StoredOrder::order)
                .orElseThrow(() -> ApiException.notFound("Order %d does not exist".formatted(id)));
    }

    public OrderPage list(OrderQuery query) {
        List<OrderIndex.Entry> matching = index.entries().stream()
                .filter(entry -> query.customerId() == null || entry.customerId() == query.customerId())
                .sorted(OrderIndex.NEWEST_FIRST)
                .toList();
        List<Long> pageIds = matching.stream().skip(query.offset()).limit(query.size()).map(OrderIndex.Entry::id).toList();
        List<Order> content = store.findAll(pageIds).stream().map(StoredOrder::order).toList();
        return OrderPage.of(content, query, matching.size());
    }

    public Order cancel(long id, boolean dryRun) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned<StoredOrder> current = find(id, !dryRun)
                    .orElseThrow(() -> ApiException.notFound("Order %d does not exist".formatted(id)));
            Order order = current.value().order();
            if (order.status() != OrderStatus.CREATED) {
                throw new ApiException(ProblemType.ORDER_ALREADY_CANCELLED, "Order %d is already %s".formatted(id, order.status()));
            }
            Order cancelled = order.cancelled();
            if (dryRun) {
                log.info("event=order_cancel_dry_run orderId={}", id);
                return cancelled;
            }
            try {
                store.change(cancelled, current.etag());
                log.info("event=order_cancelled orderId={} version={}", id, cancelled.version());
                return cancelled;
            } catch (StateConflictException changedMeanwhile) {
                // A sync event or another instance changed the order: look again.
            }
        }
        throw new UnavailableException(ProblemType.SIDECAR_UNAVAILABLE,
                "Order %d kept changing while being cancelled; try again".formatted(id), properties.retryAfter(), null);
    }

    /**
     * The stored order; an id of the monolith's range that is not here yet is read through from the monolith and
     * kept ({@code saveState}, no event) only if still absent, unless {@code keep} is false.
     */
    private Optional<Versioned<StoredOrder>> find(long id, boolean keep) {
        Optional<Versioned<StoredOrder>> stored = store.find(id);
        if (stored.isPresent() || id <= 0 || id >= properties.idFloor()) {
            return stored;
        }
        Optional<Order> fromLegacy = legacy.findOrder(id);
        if (fromLegacy.isEmpty()) {
            return Optional.empty();
        }
        if (!keep) {
            return Optional.of(new Versioned<>(new StoredOrder(fromLegacy.get(), OrderSource.LEGACY_MONOLITH), null));
        }
        boolean inserted = store.insertIfAbsent(fromLegacy.get(), OrderSource.LEGACY_MONOLITH);
        index.add(fromLegacy.get());
        log.info("event=order_read_through orderId={} inserted={}", id, inserted);
        return store.find(id);
    }

    private CreateOutcome replay(IdempotencyStore.Reservation reservation, String fingerprint, boolean dryRun) {
        if (!reservation.fingerprint().equals(fingerprint)) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was already used with a different request body");
        }
        Order reserved = reservation.order();
        Instant deadline = clock.instant().plus(REPLAY_WAIT);
        Optional<Versioned<StoredOrder>> stored = store.find(reserved.id());
        while (stored.isEmpty() && clock.instant().isBefore(deadline)) {
            // The request that reserved the key is still storing the order.
            sleep();
            stored = store.find(reserved.id());
        }
        if (stored.isEmpty() && !dryRun) {
            // The reserving request died between reserving the key and storing the order: finish its work.
            try {
                store.create(reserved);
                log.info("event=order_create_completed orderId={} reason=reserving_request_did_not_finish", reserved.id());
            } catch (StateConflictException storedMeanwhile) {
                // It did finish after all.
            }
            index.add(reserved);
            stored = store.find(reserved.id());
        }
        Order order = stored.map(Versioned::value).map(StoredOrder::order).orElse(reserved);
        log.info("event=order_create_replayed orderId={}", order.id());
        return new CreateOutcome(order, false);
    }

    private static void sleep() {
        try {
            Thread.sleep(REPLAY_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an order", e);
        }
    }
}
