package dev.strangler.legacy.web.ui;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import dev.strangler.legacy.catalog.Customer;
import dev.strangler.legacy.orders.Order;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/** Renders the legacy UI's order list. Every value from the database is HTML-escaped. */
final class RecentOrdersPage {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private RecentOrdersPage() {
    }

    static String render(List<Order> orders, Map<Long, Customer> customers, long totalOrders) {
        StringBuilder html = new StringBuilder(4096).append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Order Desk - Recent orders</title>
                <style>
                  body { font-family: Verdana, sans-serif; margin: 2em; background: #f4f1e8; }
                  table { border-collapse: collapse; background: #fff; }
                  th, td { border: 1px solid #999; padding: 4px 10px; text-align: left; }
                  th { background: #d9d2bd; }
                  td.num { text-align: right; }
                  tr.cancelled td { color: #888; text-decoration: line-through; }
                </style>
                </head>
                <body>
                <h1>Order Desk</h1>
                """);
        html.append("<p>Showing the ").append(orders.size()).append(" most recent of ").append(totalOrders)
                .append(" orders. <a href=\"/api/reports/sales\">Sales report</a></p>\n");
        html.append("""
                <table id="recent-orders">
                <thead><tr><th>Order</th><th>Placed</th><th>Customer</th><th>Items</th><th>Total</th><th>Status</th></tr></thead>
                <tbody>
                """);
        for (Order order : orders) {
            Customer customer = customers.get(order.customerId());
            String customerName = customer != null ? customer.name() : "Customer #" + order.customerId();
            int quantity = order.items().stream().mapToInt(item -> item.quantity()).sum();
            html.append("<tr class=\"").append(order.status().name().toLowerCase()).append("\">")
                    .append("<td><a href=\"/api/orders/").append(order.id()).append("\">#").append(order.id()).append("</a></td>")
                    .append("<td>").append(WHEN.format(order.createdAt())).append("</td>")
                    .append("<td>").append(htmlEscape(customerName, "UTF-8")).append("</td>")
                    .append("<td class=\"num\">").append(quantity).append("</td>")
                    .append("<td class=\"num\">").append(order.total().toPlainString()).append("</td>")
                    .append("<td>").append(order.status().name()).append("</td>")
                    .append("</tr>\n");
        }
        return html.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
    }
}
