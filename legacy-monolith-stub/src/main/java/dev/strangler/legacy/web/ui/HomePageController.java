package dev.strangler.legacy.web.ui;

import java.util.List;
import java.util.stream.Collectors;

import dev.strangler.legacy.catalog.CatalogRepository;
import dev.strangler.legacy.config.LegacyProperties;
import dev.strangler.legacy.orders.Order;
import dev.strangler.legacy.orders.OrderPage;
import dev.strangler.legacy.orders.OrderQuery;
import dev.strangler.legacy.orders.OrderService;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The legacy UI: one server-rendered page listing the most recent orders. */
@RestController
class HomePageController {

    private final OrderService orders;
    private final CatalogRepository catalog;
    private final int pageSize;

    HomePageController(OrderService orders, CatalogRepository catalog, LegacyProperties properties) {
        this.orders = orders;
        this.catalog = catalog;
        this.pageSize = properties.homePageOrders();
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    String recentOrders() {
        OrderPage page = orders.list(new OrderQuery(null, 0, pageSize));
        List<Order> recent = page.content();
        var customers = catalog.customersById(recent.stream().map(Order::customerId).collect(Collectors.toSet()));
        return RecentOrdersPage.render(recent, customers, page.totalElements());
    }
}
