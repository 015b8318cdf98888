package dev.strangler.legacy.orders;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.strangler.legacy.catalog.CatalogRepository;
import dev.strangler.legacy.catalog.Product;
import dev.strangler.legacy.error.ApiException;
import dev.strangler.legacy.error.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

@Service
public class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final OrderRepository orders;
    private final IdempotencyRepository idempotency;
    private final CatalogRepository catalog;
    private final OrderIds ids;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final List<OrderChangeListener> listeners;

    OrderService(OrderRepository orders, IdempotencyRepository idempotency, CatalogRepository catalog, OrderIds ids,
                 TransactionTemplate transaction, Clock clock, List<OrderChangeListener> listeners) {
        this.orders = orders;
        this.idempotency = idempotency;
        this.catalog = catalog;
        this.ids = ids;
        this.transaction = transaction;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * A dry run (a shadow copy of a request, marked by the gateway) does all the work of a real create, including
     * validation and idempotency checks, then rolls the transaction back, so nothing is stored or published.
     */
    public CreateOutcome dryRunCreate(OrderDraft draft, Optional<IdempotencyKey> key) {
        CreateOutcome outcome = transaction.execute(status -> {
            status.setRollbackOnly();
            return createOrReplay(draft, key, draft.fingerprint());
        });
        log.info("event=order_create_dry_run customerId={} created={}", draft.customerId(), outcome.created());
        return outcome;
    }

    /** A dry run of {@link #cancel}: checks and answers as a cancel would, then rolls back. */
    public Order dryRunCancel(long id) {
        Order cancelled = transaction.execute(status -> {
            status.setRollbackOnly();
            return cancelInTransaction(id);
        });
        log.info("event=order_cancel_dry_run orderId={}", id);
        return cancelled;
    }

    public CreateOutcome create(OrderDraft draft, Optional<IdempotencyKey> key) {
        String fingerprint = draft.fingerprint();
        CreateOutcome outcome;
        try {
            outcome = transaction.execute(status -> createOrReplay(draft, key, fingerprint));
        } catch (DuplicateKeyException concurrentSameKey) {
            // Another request with this key committed between our look-up and our insert: answer as its replay.
            IdempotencyKey winner = key.orElseThrow(() -> concurrentSameKey);
            outcome = transaction.execute(status -> replay(winner, fingerprint).orElseThrow(() -> concurrentSameKey));
        }
        if (outcome.created()) {
            Order order = outcome.order();
            log.info("event=order_created orderId={} customerId={} items={} total={} idempotencyKey={}",
                    order.id(), order.customerId(), order.items().size(), order.total(), key.isPresent());
        } else {
            log.info("event=order_create_replayed orderId={}", outcome.order().id());
        }
        return outcome;
    }

    public Order get(long id) {
        return orders.findById(id).orElseThrow(() -> ApiException.notFound("Order %d does not exist".formatted(id)));
    }

    public OrderPage list(OrderQuery query) {
        return transaction.execute(status -> OrderPage.of(orders.findPage(query), query, orders.count(query.customerId())));
    }

    public Order cancel(long id) {
        Order cancelled = transaction.execute(status -> cancelInTransaction(id));
        log.info("event=order_cancelled orderId={} version={}", id, cancelled.version());
        return cancelled;
    }

    private Order cancelInTransaction(long id) {
        if (!orders.cancel(id)) {
            Order existing = get(id);
            throw new ApiException(ProblemType.ORDER_ALREADY_CANCELLED,
                    "Order %d is already %s".formatted(id, existing.status()));
        }
        Order cancelled = get(id);
        listeners.forEach(listener -> listener.orderChanged(cancelled));
        return cancelled;
    }

    /** Creates an order with the given time stamp, bypassing idempotency; used to seed the database. */
    Order place(OrderDraft draft, Instant createdAt) {
        Map<Long, Product> products = checkCatalog(draft);
        List<OrderItem> items = draft.lines().stream()
                .map(line -> new OrderItem(line.productId(), line.quantity(), products.get(line.productId()).unitPrice()))
                .toList();
        Order order = new Order(ids.next(), draft.customerId(), items, Order.totalOf(items), OrderStatus.CREATED,
                createdAt.truncatedTo(ChronoUnit.MILLIS), 1);
        orders.insert(order, OrderSource.LEGACY_MONOLITH);
        return order;
    }

    private CreateOutcome createOrReplay(OrderDraft draft, Optional<IdempotencyKey> key, String fingerprint) {
        if (key.isPresent()) {
            Optional<CreateOutcome> replayed = replay(key.get(), fingerprint);
            if (replayed.isPresent()) {
                return replayed.get();
            }
        }
        Order order = place(draft, clock.instant());
        key.ifPresent(k -> idempotency.insert(k, fingerprint, order.id(), order.createdAt()));
        listeners.forEach(listener -> listener.orderChanged(order));
        return new CreateOutcome(order, true);
    }

    private Optional<CreateOutcome> replay(IdempotencyKey key, String fingerprint) {
        return idempotency.find(key).map(entry -> {
            if (!entry.fingerprint().equals(fingerprint)) {
                throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was already used with a different request body");
            }
            return new CreateOutcome(get(entry.orderId()), false);
        });
    }

    private Map<Long, Product> checkCatalog(OrderDraft draft) {
        if (catalog.customer(draft.customerId()).isEmpty()) {
            throw new ApiException(ProblemType.UNKNOWN_CUSTOMER,
                    "Customer %d does not exist".formatted(draft.customerId()));
        }
        Set<Long> productIds = draft.lines().stream().map(OrderDraft.Line::productId).collect(Collectors.toSet());
        Map<Long, Product> products = catalog.productsById(productIds);
        draft.lines().stream()
                .filter(line -> !products.containsKey(line.productId()))
                .findFirst()
                .ifPresent(line -> {
                    throw new ApiException(ProblemType.UNKNOWN_PRODUCT,
                            "Product %d does not exist".formatted(line.productId()));
                });
        return products;
    }
}
