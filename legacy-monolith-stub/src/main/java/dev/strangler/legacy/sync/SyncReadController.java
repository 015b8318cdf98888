package dev.strangler.legacy.sync;

import java.util.List;

import dev.strangler.legacy.error.ApiException;
import dev.strangler.legacy.orders.Order;
import dev.strangler.legacy.orders.OrderRepository;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Keyset pages of every order, by ascending id, for orders-service's backfill and reconciliation (called through
 * Dapr service invocation). Keyset paging ({@code afterId}) stays correct while orders are being added, where page
 * numbers would skip or repeat rows.
 */
@RestController
class SyncReadController {

    static final int MAX_LIMIT = 500;

    record KeysetPage(List<Order> orders, Long nextAfterId) {
    }

    private final OrderRepository orders;

    SyncReadController(OrderRepository orders) {
        this.orders = orders;
    }

    @GetMapping(path = "/internal/sync/orders", produces = MediaType.APPLICATION_JSON_VALUE)
    KeysetPage page(@RequestParam(defaultValue = "0") long afterId, @RequestParam(defaultValue = "100") int limit) {
        if (afterId < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalid("afterId must be >= 0 and limit between 1 and %d".formatted(MAX_LIMIT));
        }
        List<Order> page = orders.findAfterId(afterId, limit);
        Long next = page.size() < limit ? null : page.get(page.size() - 1).id();
        return new KeysetPage(page, next);
    }
}
