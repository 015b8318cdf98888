package dev.strangler.legacy.catalog;

import java.math.BigDecimal;

import dev.strangler.legacy.json.Money;

public record Product(long id, String sku, String name, BigDecimal unitPrice) {

    public Product {
        unitPrice = Money.of(unitPrice);
    }
}
