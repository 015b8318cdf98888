package dev.strangler.legacy.reports;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Computes the report from the order tables at request time, so it always reflects every order the monolith holds. */
@Repository
class SalesReportRepository {

    private final JdbcClient jdbc;

    SalesReportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    SalesReport report(Instant generatedAt) {
        List<ProductSales> products = jdbc.sql("""
                        SELECT i.product_id, p.sku, p.name, COUNT(DISTINCT o.id) AS orders,
                               SUM(i.quantity) AS quantity, SUM(i.quantity * i.unit_price) AS revenue
                        FROM order_items i
                        JOIN orders o ON o.id = i.order_id AND o.status = 'CREATED'
                        LEFT JOIN products p ON p.id = i.product_id
                        GROUP BY i.product_id, p.sku, p.name
                        ORDER BY revenue DESC, i.product_id""")
                .query((rs, n) -> new ProductSales(rs.getLong("product_id"), rs.getString("sku"), rs.getString("name"),
                        rs.getLong("orders"), rs.getLong("quantity"), rs.getBigDecimal("revenue")))
                .list();
        SalesTotals totals = jdbc.sql("""
                        SELECT COUNT(*) FILTER (WHERE status = 'CREATED') AS orders,
                               COALESCE(SUM(total) FILTER (WHERE status = 'CREATED'), 0) AS revenue,
                               COUNT(*) FILTER (WHERE status = 'CANCELLED') AS cancelled
                        FROM orders""")
                .query((rs, n) -> new SalesTotals(rs.getLong("orders"),
                        products.stream().mapToLong(ProductSales::quantity).sum(),
                        rs.getBigDecimal("revenue"), rs.getLong("cancelled")))
                .single();
        return new SalesReport(generatedAt, products, totals);
    }
}
