package dev.strangler.legacy.catalog;

import java.math.BigDecimal;
import java.util.List;

/** The customers and products of a fresh database: a small coffee-supply wholesaler. */
public final class SeedCatalog {

    public static final List<Customer> CUSTOMERS = List.of(
            new Customer(1, "Harbor Lane Bakery", "orders@harborlane.example", "Portland"),
            new Customer(2, "Müller & Söhne GmbH", "einkauf@mueller-soehne.example", "Stuttgart"),
            new Customer(3, "Northwind Traders", "purchasing@northwind.example", "Seattle"),
            new Customer(4, "Café Lumière", "bonjour@cafe-lumiere.example", "Lyon"),
            new Customer(5, "Bluebird Office Supply", "ap@bluebird.example", "Denver"),
            new Customer(6, "Greenfield Veterinary Clinic", "admin@greenfield-vet.example", "Madison"));

    public static final List<Product> PRODUCTS = List.of(
            new Product(1, "ESP-1KG", "Espresso beans, 1 kg", new BigDecimal("24.90")),
            new Product(2, "FLT-250", "Paper coffee filters (250)", new BigDecimal("4.50")),
            new Product(3, "MUG-CER", "Ceramic mug, 350 ml", new BigDecimal("8.75")),
            new Product(4, "KET-GN", "Gooseneck kettle", new BigDecimal("49.00")),
            new Product(5, "GRD-BUR", "Burr grinder", new BigDecimal("129.00")),
            new Product(6, "SYR-VAN", "Vanilla syrup, 750 ml", new BigDecimal("7.20")),
            new Product(7, "CUP-12", "Takeaway cups 12 oz (50)", new BigDecimal("6.40")),
            new Product(8, "LID-12", "Lids for 12 oz cups (50)", new BigDecimal("3.10")),
            new Product(9, "MLK-OAT", "Oat milk barista, 1 l", new BigDecimal("2.95")),
            new Product(10, "TEA-EG", "Earl Grey loose tea, 250 g", new BigDecimal("11.50")),
            new Product(11, "SCL-DIG", "Digital brewing scale", new BigDecimal("32.00")),
            new Product(12, "CLN-TAB", "Espresso machine cleaning tablets (100)", new BigDecimal("18.60")));

    private SeedCatalog() {
    }
}
