package dev.strangler.legacy.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class CatalogRepository {

    private final JdbcClient jdbc;

    CatalogRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Customer> customers() {
        return jdbc.sql("SELECT id, name, email, city FROM customers ORDER BY id").query(CatalogRepository::mapCustomer).list();
    }

    public Optional<Customer> customer(long id) {
        return jdbc.sql("SELECT id, name, email, city FROM customers WHERE id = ?").param(id)
                .query(CatalogRepository::mapCustomer).optional();
    }

    public Map<Long, Customer> customersById(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("SELECT id, name, email, city FROM customers WHERE id IN (:ids)").param("ids", ids)
                .query(CatalogRepository::mapCustomer).stream().collect(Collectors.toMap(Customer::id, Function.identity()));
    }

    public List<Product> products() {
        return jdbc.sql("SELECT id, sku, name, unit_price FROM products ORDER BY id").query(CatalogRepository::mapProduct).list();
    }

    public Optional<Product> product(long id) {
        return jdbc.sql("SELECT id, sku, name, unit_price FROM products WHERE id = ?").param(id)
                .query(CatalogRepository::mapProduct).optional();
    }

    public Map<Long, Product> productsById(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("SELECT id, sku, name, unit_price FROM products WHERE id IN (:ids)").param("ids", ids)
                .query(CatalogRepository::mapProduct).stream().collect(Collectors.toMap(Product::id, Function.identity()));
    }

    private static Customer mapCustomer(ResultSet rs, int rowNum) throws SQLException {
        return new Customer(rs.getLong("id"), rs.getString("name"), rs.getString("email"), rs.getString("city"));
    }

    private static Product mapProduct(ResultSet rs, int rowNum) throws SQLException {
        return new Product(rs.getLong("id"), rs.getString("sku"), rs.getString("name"), rs.getBigDecimal("unit_price"));
    }

    public void insertCustomer(Customer customer) {
        jdbc.sql("INSERT INTO customers (id, name, email, city) VALUES (?, ?, ?, ?)")
                .params(customer.id(), customer.name(), customer.email(), customer.city()).update();
    }

    public void insertProduct(Product product) {
        jdbc.sql("INSERT INTO products (id, sku, name, unit_price) VALUES (?, ?, ?, ?)")
                .params(product.id(), product.sku(), product.name(), product.unitPrice()).update();
    }

    public long customerCount() {
        return jdbc.sql("SELECT COUNT(*) FROM customers").query(Long.class).single();
    }

    public long productCount() {
        return jdbc.sql("SELECT COUNT(*) FROM products").query(Long.class).single();
    }
}
