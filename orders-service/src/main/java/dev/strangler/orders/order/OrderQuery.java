package dev.strangler.orders.order;

import dev.strangler.orders.error.ApiException;

/** A validated listing request: optional customer filter, zero-based page, page size 1..100. */
public record OrderQuery(Long customerId, int page, int size) {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    public OrderQuery {
        if (page < 0) {
            throw ApiException.invalid("Parameter 'page' must be 0 or greater, got " + page);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw ApiException.invalid("Parameter 'size' must be between 1 and %d, got %d".formatted(MAX_SIZE, size));
        }
    }

    public long offset() {
        return (long) page * size;
    }
}
