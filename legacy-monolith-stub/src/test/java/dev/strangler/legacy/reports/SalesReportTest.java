package dev.strangler.legacy.reports;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.legacy.support.Http;
import dev.strangler.legacy.support.SharedMonolith;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SharedMonolith
class SalesReportTest {

    @LocalServerPort
    int port;

    @Test
    void salesReportSumsCreatedOrdersPerProductAndOverallAndLeavesCancelledOrdersOut() {
        Http http = new Http("http://127.0.0.1:" + port);
        assertReportMatchesOrders(http);

        JsonNode before = http.getJson("/api/reports/sales").get("totals");
        JsonNode placed = Http.json(http.postJson("/api/orders",
                "{\"customerId\":2,\"items\":[{\"productId\":11,\"quantity\":3},{\"productId\":9,\"quantity\":7}]}").body());
        JsonNode toCancel = Http.json(http.postJson("/api/orders",
                "{\"customerId\":4,\"items\":[{\"productId\":11,\"quantity\":1}]}").body());
        http.postJson("/api/orders/" + toCancel.get("id").asLong() + "/cancel", "");

        JsonNode after = http.getJson("/api/reports/sales").get("totals");
        assertThat(after.get("orders").asLong()).isEqualTo(before.get("orders").asLong() + 1);
        assertThat(after.get("quantity").asLong()).isEqualTo(before.get("quantity").asLong() + 10);
        assertThat(after.get("revenue").decimalValue())
                .isEqualByComparingTo(before.get("revenue").decimalValue().add(placed.get("total").decimalValue()));
        assertThat(after.get("cancelledOrdersExcluded").asLong())
                .isEqualTo(before.get("cancelledOrdersExcluded").asLong() + 1);
        assertReportMatchesOrders(http);
    }

    @Test
    void salesReportWritesMoneyWithTwoDecimals() {
        String report = new Http("http://127.0.0.1:" + port).get("/api/reports/sales").body();
        assertThat(report).containsPattern("\"revenue\":\\d+\\.\\d{2}[,}]");
        assertThat(report).doesNotContainPattern("\"revenue\":\\d+(\\.\\d(?!\\d)|[,}])");
    }

    /** Recomputes the report from every order the API lists and compares it with the report, product by product. */
    private static void assertReportMatchesOrders(Http http) {
        Map<Long, Long> quantity = new HashMap<>();
        Map<Long, BigDecimal> revenue = new HashMap<>();
        Map<Long, Set<Long>> orders = new HashMap<>();
        long counted = 0;
        long cancelled = 0;
        BigDecimal total = BigDecimal.ZERO;
        int page = 0;
        JsonNode listing;
        do {
            listing = http.getJson("/api/orders?size=100&page=" + page++);
            for (JsonNode order : listing.get("content")) {
                if (order.get("status").asText().equals("CANCELLED")) {
                    cancelled++;
                    continue;
                }
                counted++;
                total = total.add(order.get("total").decimalValue());
                for (JsonNode item : order.get("items")) {
                    long productId = item.get("productId").asLong();
                    long qty = item.get("quantity").asLong();
                    quantity.merge(productId, qty, Long::sum);
                    revenue.merge(productId, item.get("unitPrice").decimalValue().multiply(BigDecimal.valueOf(qty)), BigDecimal::add);
                    orders.computeIfAbsent(productId, id -> new HashSet<>()).add(order.get("id").asLong());
                }
            }
        } while (page < listing.get("totalPages").asInt());
        assertThat(cancelled).as("the seed data holds cancelled orders, so exclusion is exercised").isPositive();

        JsonNode report = http.getJson("/api/reports/sales");
        assertThat(report.get("products")).hasSize(quantity.size());
        BigDecimal previousRevenue = null;
        for (JsonNode line : report.get("products")) {
            long productId = line.get("productId").asLong();
            assertThat(line.get("quantity").asLong()).as("quantity of product %d", productId).isEqualTo(quantity.get(productId));
            assertThat(line.get("revenue").decimalValue()).as("revenue of product %d", productId)
                    .isEqualByComparingTo(revenue.get(productId));
            assertThat(line.get("orders").asLong()).as("orders of product %d", productId)
                    .isEqualTo(orders.get(productId).size());
            assertThat(line.get("name").asText()).isNotBlank();
            if (previousRevenue != null) {
                assertThat(line.get("revenue").decimalValue()).as("highest revenue first").isLessThanOrEqualTo(previousRevenue);
            }
            previousRevenue = line.get("revenue").decimalValue();
        }
        JsonNode totals = report.get("totals");
        assertThat(totals.get("orders").asLong()).isEqualTo(counted);
        assertThat(totals.get("quantity").asLong()).isEqualTo(quantity.values().stream().mapToLong(Long::longValue).sum());
        assertThat(totals.get("revenue").decimalValue()).isEqualByComparingTo(total);
        assertThat(totals.get("cancelledOrdersExcluded").asLong()).isEqualTo(cancelled);
    }
}
