package dev.strangler.orders.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.strangler.orders.config.OrdersProperties;
import dev.strangler.orders.legacy.LegacyClient;
import dev.strangler.orders.legacy.LegacyPage;
import dev.strangler.orders.order.Order;
import dev.strangler.orders.state.OrderIndex;
import dev.strangler.orders.state.OrderStore;
import dev.strangler.orders.state.StoredOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Compares both stores order by order: the monolith's, read in keyset pages through Dapr service invocation, and
 * ours, read through the listing index and bulk state reads. Reports counts, ids missing on either side and orders
 * whose status or total differ.
 */
@Component
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int BULK = 100;

    private final LegacyClient legacy;
    private final OrderStore store;
    private final OrderIndex index;
    private final Clock clock;
    private final OrdersProperties properties;

    Reconciler(LegacyClient legacy, OrderStore store, OrderIndex index, Clock clock, OrdersProperties properties) {
        this.legacy = legacy;
        this.store = store;
        this.index = index;
        this.clock = clock;
        this.properties = properties;
    }

    ReconciliationReport reconcile() {
        Map<Long, Order> legacyOrders = legacyOrders();
        Map<Long, Order> serviceOrders = serviceOrders();
        List<Long> missingInService = new ArrayList<>();
        List<Long> missingInLegacy = new ArrayList<>();
        List<ReconciliationReport.Difference> differing = new ArrayList<>();
        legacyOrders.forEach((id, theirs) -> {
            Order ours = serviceOrders.get(id);
            if (ours == null) {
                missingInService.add(id);
            } else if (ours.status() != theirs.status() || ours.total().compareTo(theirs.total()) != 0) {
                differing.add(new ReconciliationReport.Difference(id, theirs.status().name(), ours.status().name(),
                        theirs.total(), ours.total(), theirs.version(), ours.version()));
            }
        });
        serviceOrders.keySet().stream().filter(id -> !legacyOrders.containsKey(id)).forEach(missingInLegacy::add);
        boolean consistent = missingInService.isEmpty() && missingInLegacy.isEmpty() && differing.isEmpty();
        log.info("event=reconciliation consistent={} legacyCount={} serviceCount={} missingInService={} missingInLegacy={} differing={}",
                consistent, legacyOrders.size(), serviceOrders.size(), missingInService.size(), missingInLegacy.size(), differing.size());
        return new ReconciliationReport(clock.instant(), consistent, legacyOrders.size(), serviceOrders.size(),
                missingInService.size(), missingInLegacy.size(), differing.size(),
                limit(missingInService), limit(missingInLegacy), limit(differing));
    }

    private Map<Long, Order> legacyOrders() {
        Map<Long, Order> orders = new TreeMap<>();
        long afterId = 0;
        while (true) {
            LegacyPage page = legacy.page(afterId, properties.syncPageSize());
            page.orders().forEach(order -> orders.put(order.id(), order));
            if (page.nextAfterId() == null || page.orders().isEmpty()) {
                return orders;
            }
            afterId = page.nextAfterId();
        }
    }

    private Map<Long, Order> serviceOrders() {
        List<Long> ids = index.entries().stream().map(OrderIndex.Entry::id).sorted().toList();
        Map<Long, Order> orders = new TreeMap<>();
        for (int from = 0; from < ids.size(); from += BULK) {
            for (StoredOrder stored : store.findAll(ids.subList(from, Math.min(ids.size(), from + BULK)))) {
                orders.put(stored.order().id(), stored.order());
            }
        }
        return orders;
    }

    private static <T> List<T> limit(List<T> list) {
        return List.copyOf(list.subList(0, Math.min(list.size(), ReconciliationReport.LIST_LIMIT)));
    }
}
