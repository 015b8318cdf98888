package dev.strangler.legacy.reports;

import java.math.BigDecimal;

import dev.strangler.legacy.json.Money;

/** Totals over all counted orders, plus how many cancelled orders were left out. */
public record SalesTotals(long orders, long quantity, BigDecimal revenue, long cancelledOrdersExcluded) {

    public SalesTotals {
        revenue = Money.of(revenue);
    }
}
