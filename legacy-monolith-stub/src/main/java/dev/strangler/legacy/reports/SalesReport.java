package dev.strangler.legacy.reports;

import java.time.Instant;
import java.util.List;

/** Sales per product, highest revenue first, and overall. Only orders in status CREATED count. */
public record SalesReport(Instant generatedAt, List<ProductSales> products, SalesTotals totals) {
}
