package dev.strangler.legacy.web.ui;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.strangler.legacy.support.Http;
import dev.strangler.legacy.support.SharedMonolith;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SharedMonolith
class HomePageTest {

    @LocalServerPort
    int port;

    @Test
    void homePageListsRecentOrdersNewestFirstWithEscapedCustomerNames() {
        Http http = new Http("http://127.0.0.1:" + port);
        long customerId = customerIdNamed(http, "Müller & Söhne GmbH");
        long newest = Http.json(http.postJson("/api/orders",
                "{\"customerId\":" + customerId + ",\"items\":[{\"productId\":3,\"quantity\":4}]}").body()).get("id").asLong();

        HttpResponse<String> page = http.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        String html = page.body();
        assertThat(html).contains("<title>Order Desk - Recent orders</title>");
        assertThat(html).contains("Müller &amp; Söhne GmbH").doesNotContain("Müller & Söhne");
        Matcher rows = Pattern.compile("<a href=\"/api/orders/(\\d+)\">").matcher(html);
        long previous = Long.MAX_VALUE;
        int count = 0;
        while (rows.find()) {
            long id = Long.parseLong(rows.group(1));
            if (count == 0) {
                assertThat(id).as("the order just placed is listed first").isEqualTo(newest);
            }
            assertThat(id).as("newest first").isLessThan(previous);
            previous = id;
            count++;
        }
        assertThat(count).as("the page shows the 20 most recent orders").isEqualTo(20);
        assertThat(html).contains(" most recent of " + http.getJson("/api/orders").get("totalElements").asLong() + " orders");
    }

    private static long customerIdNamed(Http http, String name) {
        for (var customer : http.getJson("/api/customers")) {
            if (customer.get("name").asText().equals(name)) {
                return customer.get("id").asLong();
            }
        }
        throw new AssertionError("no seeded customer named " + name);
    }
}
