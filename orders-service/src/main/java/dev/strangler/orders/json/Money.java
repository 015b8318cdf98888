package dev.strangler.orders.json;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money in this API: a decimal with exactly two fraction digits, written as a JSON number such as {@code 12.50}. */
public final class Money {

    public static final int SCALE = 2;

    private Money() {
    }

    public static BigDecimal of(BigDecimal amount) {
        return amount.setScale(SCALE, RoundingMode.HALF_EVEN);
    }
}
