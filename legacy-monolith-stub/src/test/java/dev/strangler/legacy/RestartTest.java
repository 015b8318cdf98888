package dev.strangler.legacy;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.legacy.support.Http;
import dev.strangler.legacy.support.RunningMonolith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RestartTest {

    @TempDir
    Path dataDir;

    @Test
    void restartKeepsOrdersAndSeedsOnlyOnce() {
        String created;
        long createdId;
        long ordersBefore;
        String customersBefore;
        String productsBefore;
        try (RunningMonolith first = RunningMonolith.start(dataDir)) {
            Http http = first.http();
            customersBefore = http.get("/api/customers").body();
            productsBefore = http.get("/api/products").body();
            assertThat(Http.json(customersBefore).size()).isGreaterThanOrEqualTo(5);
            assertThat(Http.json(productsBefore).size()).isGreaterThanOrEqualTo(10);
            assertThat(http.getJson("/api/orders").get("totalElements").asLong()).isGreaterThanOrEqualTo(20);

            HttpResponse<String> response = http.postJson("/api/orders",
                    "{\"customerId\":3,\"items\":[{\"productId\":5,\"quantity\":2},{\"productId\":2,\"quantity\":1}]}");
            assertThat(response.statusCode()).isEqualTo(201);
            created = response.body();
            createdId = Http.json(created).get("id").asLong();
            HttpResponse<String> cancelled = http.postJson("/api/orders/" + createdId + "/cancel", "");
            assertThat(cancelled.statusCode()).isEqualTo(200);
            created = cancelled.body();
            ordersBefore = http.getJson("/api/orders").get("totalElements").asLong();
        }

        try (RunningMonolith second = RunningMonolith.start(dataDir)) {
            Http http = second.http();
            assertThat(http.get("/api/orders/" + createdId).body()).isEqualTo(created);
            assertThat(http.getJson("/api/orders").get("totalElements").asLong()).isEqualTo(ordersBefore);
            assertThat(http.get("/api/customers").body()).isEqualTo(customersBefore);
            assertThat(http.get("/api/products").body()).isEqualTo(productsBefore);

            JsonNode next = Http.json(http.postJson("/api/orders",
                    "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}").body());
            assertThat(next.get("id").asLong()).as("the sequence continues after a restart").isGreaterThan(createdId);
        }
    }
}
