package dev.strangler.legacy.reports;

import java.math.BigDecimal;

import dev.strangler.legacy.json.Money;

/** Sales of one product; {@code sku} and {@code name} are null for a product the catalog does not know. */
public record ProductSales(long productId, String sku, String name, long orders, long quantity, BigDecimal revenue) {

    public ProductSales {
        revenue = Money.of(revenue);
    }
}
