package dev.strangler.orders.order;

import java.util.List;

/** The page object of {@code GET /api/orders}. */
public record OrderPage(List<Order> content, int page, int size, long totalElements, int totalPages) {

    public static OrderPage of(List<Order> content, OrderQuery query, long totalElements) {
        int totalPages = (int) ((totalElements + query.size() - 1) / query.size());
        return new OrderPage(content, query.page(), query.size(), totalElements, totalPages);
    }
}
