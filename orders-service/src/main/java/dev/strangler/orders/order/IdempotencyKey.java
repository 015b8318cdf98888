package dev.strangler.orders.order;

import java.util.Optional;

import dev.strangler.orders.error.ApiException;

/** The value of an {@code Idempotency-Key} header: 1 to 255 visible characters. */
public record IdempotencyKey(String value) {

    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (value.isBlank() || value.length() > MAX_LENGTH || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.invalid(
                    "Header '%s' must be 1 to %d visible ASCII characters".formatted(HEADER, MAX_LENGTH));
        }
    }

    public static Optional<IdempotencyKey> fromHeader(String header) {
        return header == null ? Optional.empty() : Optional.of(new IdempotencyKey(header));
    }
}
