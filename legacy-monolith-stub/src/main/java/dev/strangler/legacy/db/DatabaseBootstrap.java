package dev.strangler.legacy.db;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import dev.strangler.legacy.catalog.CatalogRepository;
import dev.strangler.legacy.catalog.Customer;
import dev.strangler.legacy.catalog.Product;
import dev.strangler.legacy.catalog.SeedCatalog;
import dev.strangler.legacy.config.LegacyProperties;
import dev.strangler.legacy.orders.OrderIds;
import dev.strangler.legacy.orders.OrderRepository;
import dev.strangler.legacy.orders.OrderService;
import dev.strangler.legacy.orders.SeedOrders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prepares the database before the web server opens its port: applies the schema, refuses to start when the order
 * sequence has reached the orders-service floor, and seeds an empty database (one without customers) once.
 */
@Component
class DatabaseBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(DatabaseBootstrap.class);

    private final DataSource dataSource;
    private final OrderIds ids;
    private final CatalogRepository catalog;
    private final OrderService orderService;
    private final OrderRepository orders;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Path dataDir;

    DatabaseBootstrap(DataSource dataSource, OrderIds ids, CatalogRepository catalog, OrderService orderService,
                      OrderRepository orders, TransactionTemplate transaction, Clock clock, LegacyProperties properties) {
        this.dataSource = dataSource;
        this.ids = ids;
        this.catalog = catalog;
        this.orderService = orderService;
        this.orders = orders;
        this.transaction = transaction;
        this.clock = clock;
        this.dataDir = properties.absoluteDataDir();
    }

    @Override
    public void afterSingletonsInstantiated() {
        new ResourceDatabasePopulator(new ClassPathResource("db/schema.sql")).execute(dataSource);
        long nextId = ids.peekNext();
        if (nextId >= OrderIds.FLOOR) {
            throw new OrderIdFloorReachedException(nextId, dataDir.resolve("legacy.mv.db"));
        }
        boolean seeded = Boolean.TRUE.equals(transaction.execute(status -> seedIfEmpty()));
        log.info("event=database_ready dataDir={} seeded={} customers={} products={} orders={} nextOrderId={}",
                dataDir, seeded, catalog.customerCount(), catalog.productCount(), orders.count(null), ids.peekNext());
    }

    private boolean seedIfEmpty() {
        if (catalog.customerCount() > 0) {
            return false;
        }
        SeedCatalog.CUSTOMERS.forEach(catalog::insertCustomer);
        SeedCatalog.PRODUCTS.forEach(catalog::insertProduct);
        List<Long> customerIds = SeedCatalog.CUSTOMERS.stream().map(Customer::id).toList();
        List<Long> productIds = SeedCatalog.PRODUCTS.stream().map(Product::id).toList();
        new SeedOrders(orderService, orders).place(customerIds, productIds, clock.instant());
        return true;
    }
}
