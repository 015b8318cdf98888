package dev.strangler.system.contract;

/** Request bodies for {@code POST /api/orders}, written out as JSON text so that tests control every byte. */
final class OrderBodies {

    private OrderBodies() {
    }

    static String order(long customerId, long productId, int quantity) {
        return "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":%d}]}".formatted(customerId, productId, quantity);
    }

    static String order(long customerId, long firstProduct, int firstQuantity, long secondProduct, int secondQuantity) {
        return "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":%d},{\"productId\":%d,\"quantity\":%d}]}"
                .formatted(customerId, firstProduct, firstQuantity, secondProduct, secondQuantity);
    }
}
