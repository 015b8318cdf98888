package dev.strangler.orders.legacy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.error.ApiException;
import dev.strangler.orders.error.ProblemType;
import dev.strangler.orders.order.OrderDraft;

import org.springframework.stereotype.Component;

/**
 * Customers and products stay in the monolith; orders-service validates orders against a cached copy of them and
 * prices lines at the product's current price. An id missing from the copy triggers one reload (at most once a
 * second), so a customer added a moment ago is not refused.
 */
@Component
public class Catalog {

    private static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(1);

    private record Snapshot(Set<Long> customers, Map<Long, BigDecimal> prices, Instant loadedAt) {
    }

    private final LegacyClient legacy;
    private final Clock clock;
    private final Duration ttl;
    private volatile Snapshot snapshot;

    Catalog(LegacyClient legacy, Clock clock, OrdersProperties properties) {
        this.legacy = legacy;
        this.clock = clock;
        this.ttl = properties.catalogTtl();
    }

    /** The unit price of every product of the draft; unknown customer or product is a 400 as in the monolith. */
    public Map<Long, BigDecimal> priceDraft(OrderDraft draft) {
        Snapshot current = current(draft);
        if (!current.customers().contains(draft.customerId())) {
            throw new ApiException(ProblemType.UNKNOWN_CUSTOMER, "Customer %d does not exist".formatted(draft.customerId()));
        }
        for (OrderDraft.Line line : draft.lines()) {
            if (!current.prices().containsKey(line.productId())) {
                throw new ApiException(ProblemType.UNKNOWN_PRODUCT, "Product %d does not exist".formatted(line.productId()));
            }
        }
        return current.prices();
    }

    private Snapshot current(OrderDraft draft) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (current == null || current.loadedAt().plus(ttl).isBefore(now)) {
            return reload();
        }
        boolean missing = !current.customers().contains(draft.customerId())
                || draft.lines().stream().anyMatch(line -> !current.prices().containsKey(line.productId()));
        if (missing && current.loadedAt().plus(MIN_RELOAD_INTERVAL).isBefore(now)) {
            return reload();
        }
        return current;
    }

    private Snapshot reload() {
        Set<Long> customers = legacy.customers().stream().map(LegacyClient.CatalogEntry::id).collect(Collectors.toSet());
        Map<Long, BigDecimal> prices = legacy.products().stream()
                .collect(Collectors.toMap(LegacyClient.CatalogEntry::id, LegacyClient.CatalogEntry::unitPrice));
        Snapshot loaded = new Snapshot(Set.copyOf(customers), Map.copyOf(prices), clock.instant());
        snapshot = loaded;
        return loaded;
    }
}
