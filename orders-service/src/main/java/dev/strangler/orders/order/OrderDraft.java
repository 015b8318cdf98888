package dev.strangler.orders.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.strangler.orders.error.ApiException;

/** A create-order request whose shape is valid; whether its customer and products exist is checked later. */
public record OrderDraft(long customerId, List<Line> lines) {

    public static final int MAX_LINES = 100;
    public static final int MAX_QUANTITY = 1000;

    public record Line(long productId, int quantity) {
    }

    public OrderDraft {
        lines = List.copyOf(lines);
    }

    public static OrderDraft from(CreateOrderRequest request) {
        if (request.customerId() == null) {
            throw ApiException.invalid("Field 'customerId' is required");
        }
        if (request.items() == null || request.items().isEmpty()) {
            throw ApiException.invalid("Field 'items' must hold at least one item");
        }
        if (request.items().size() > MAX_LINES) {
            throw ApiException.invalid("Field 'items' may hold at most %d items".formatted(MAX_LINES));
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < request.items().size(); i++) {
            CreateOrderRequest.Line item = request.items().get(i);
            if (item == null) {
                throw ApiException.invalid("Field 'items[%d]' must be an object".formatted(i));
            }
            if (item.productId() == null) {
                throw ApiException.invalid("Field 'items[%d].productId' is required".formatted(i));
            }
            if (item.quantity() == null) {
                throw ApiException.invalid("Field 'items[%d].quantity' is required".formatted(i));
            }
            if (item.quantity() < 1 || item.quantity() > MAX_QUANTITY) {
                throw ApiException.invalid("Field 'items[%d].quantity' must be between 1 and %d, got %d"
                        .formatted(i, MAX_QUANTITY, item.quantity()));
            }
            lines.add(new Line(item.productId(), item.quantity()));
        }
        return new OrderDraft(request.customerId(), lines);
    }

    /**
     * Identifies the request for Idempotency-Key checks: equal for bodies that mean the same order, whatever their
     * whitespace or field order. Item order counts.
     */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder("customer=").append(customerId).append(";items=");
        for (Line line : lines) {
            canonical.append(line.productId()).append('x').append(line.quantity()).append(',');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("Every Java runtime has SHA-256", impossible);
        }
    }
}
