package dev.strangler.legacy.orders;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class OrderRepository {

    private static final String ORDER_COLUMNS = "id, customer_id, status, total, created_at, version";

    private final JdbcClient jdbc;

    OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Order order, String source) {
        jdbc.sql("""
                        INSERT INTO orders (id, customer_id, status, total, created_at, version, source)
                        VALUES (:id, :customerId, :status, :total, :createdAt, :version, :source)""")
                .param("id", order.id())
                .param("customerId", order.customerId())
                .param("status", order.status().name())
                .param("total", order.total())
                .param("createdAt", OffsetDateTime.ofInstant(order.createdAt(), ZoneOffset.UTC))
                .param("version", order.version())
                .param("source", source)
                .update();
        int lineNo = 1;
        for (OrderItem item : order.items()) {
            jdbc.sql("INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?)")
                    .params(order.id(), lineNo++, item.productId(), item.quantity(), item.unitPrice())
                    .update();
        }
    }

    public Optional<Order> findById(long id) {
        List<OrderRow> rows = jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id = ?").param(id)
                .query(OrderRepository::orderRow).list();
        return withItems(rows).stream().findFirst();
    }

    /** Newest first: by creation time, then by id, so that orders created in the same millisecond keep an order. */
    public List<Order> findPage(OrderQuery query) {
        String where = query.customerId() == null ? "" : "WHERE customer_id = :customerId ";
        var statement = jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders " + where
                        + "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .param("limit", query.size())
                .param("offset", query.offset());
        if (query.customerId() != null) {
            statement = statement.param("customerId", query.customerId());
        }
        return withItems(statement.query(OrderRepository::orderRow).list());
    }

    /** Up to {@code limit} orders with ids above {@code afterId}, ascending: keyset paging for sync and backfill. */
    public List<Order> findAfterId(long afterId, int limit) {
        return withItems(jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id > ? ORDER BY id LIMIT ?")
                .params(afterId, limit).query(OrderRepository::orderRow).list());
    }

    public long count(Long customerId) {
        if (customerId == null) {
            return jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single();
        }
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE customer_id = ?").param(customerId).query(Long.class).single();
    }

    /** Moves a CREATED order to CANCELLED and bumps its version; false when it was not CREATED (or is absent). */
    public boolean cancel(long id) {
        return jdbc.sql("UPDATE orders SET status = 'CANCELLED', version = version + 1 WHERE id = ? AND status = 'CREATED'")
                .param(id).update() == 1;
    }

    private List<Order> withItems(List<OrderRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<OrderItem>> itemsByOrder = new LinkedHashMap<>();
        rows.forEach(row -> itemsByOrder.put(row.id(), new ArrayList<>()));
        jdbc.sql("SELECT order_id, product_id, quantity, unit_price FROM order_items WHERE order_id IN (:ids) "
                        + "ORDER BY order_id, line_no")
                .param("ids", itemsByOrder.keySet())
                .query((rs, n) -> {
                    itemsByOrder.get(rs.getLong("order_id")).add(new OrderItem(
                            rs.getLong("product_id"), rs.getInt("quantity"), rs.getBigDecimal("unit_price")));
                    return null;
                })
                .list();
        return rows.stream().map(row -> row.toOrder(itemsByOrder.get(row.id()))).toList();
    }

    private static OrderRow orderRow(ResultSet rs, int rowNum) throws SQLException {
        return new OrderRow(rs.getLong("id"), rs.getLong("customer_id"), OrderStatus.valueOf(rs.getString("status")),
                rs.getBigDecimal("total"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getLong("version"));
    }

    private record OrderRow(long id, long customerId, OrderStatus status, BigDecimal total, Instant createdAt,
                            long version) {

        Order toOrder(List<OrderItem> items) {
            return new Order(id, customerId, items, total, status, createdAt, version);
        }
    }
}
