package dev.strangler.system.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Migrates {@code /api/orders} from the monolith to orders-service by rewriting the gateway's routes file, stage by
 * stage (legacy, migrated, 50% canary, rollback to legacy), with all four parts running as real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationEndToEndTest {

    private static final String CANARY = "stage: canary\n    canary: { percent: 50, stickyBy: \"header:X-User-Id\" }";

    private final List<Long> createdIds = new ArrayList<>();
    private MigrationEnvironment env;
    private GatewayClient gateway;

    @BeforeAll
    void start() {
        env = MigrationEnvironment.start("e2e");
        gateway = env.gatewayClient();
    }

    @AfterAll
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    @Order(1)
    void onLegacyOrdersCreatedThroughTheGatewayAreReadableThroughItAndReachOrdersService() {
        GatewayClient.Answer created = create("someone", 1, 2);
        assertThat(created.backend()).hasValue("legacy");
        long id = created.json().get("id").asLong();

        GatewayClient.Answer read = gateway.send("GET", "/api/orders/" + id, "someone", null, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(created.body());
        await().atMost(SyncTimeouts.SETTLE).untilAsserted(() -> assertThat(env.orders().listAll("customerId=1"))
                .extracting(order -> order.get("id").asLong()).contains(id));
    }

    @Test
    @Order(2)
    void afterMigrationOrdersAreServedByOrdersServiceAndCountInTheMonolithsSalesReport() {
        env.stage("stage: migrated", "someone", "orders");
        long reportedBefore = env.legacy().getJson("/api/reports/sales").get("totals").get("orders").asLong();

        GatewayClient.Answer created = create("someone", 2, 3);

        assertThat(created.backend()).hasValue("orders");
        long id = created.json().get("id").asLong();
        assertThat(id).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(gateway.send("GET", "/api/orders/" + id, "someone", null, null).body()).isEqualTo(created.body());
        await().atMost(SyncTimeouts.SETTLE).untilAsserted(() -> {
            assertThat(env.legacy().get("/api/orders/" + id).body()).isEqualTo(created.body());
            assertThat(env.legacy().getJson("/api/reports/sales").get("totals").get("orders").asLong())
                    .isEqualTo(reportedBefore + 1);
        });
    }

    @Test
    @Order(3)
    void afterMigrationOrdersThatExistOnlyInLegacyAreReadableThroughTheNewService() {
        JsonNode oldest = env.legacy().getJson("/api/orders?size=1&page=23").get("content").get(0);
        long legacyOnly = oldest.get("id").asLong();
        assertThat(env.orders().listAll("").stream().map(order -> order.get("id").asLong())).doesNotContain(legacyOnly);

        GatewayClient.Answer read = gateway.send("GET", "/api/orders/" + legacyOnly, "someone", null, null);

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.backend()).hasValue("orders");
        assertThat(read.body()).isEqualTo(env.legacy().get("/api/orders/" + legacyOnly).body());
        createdIds.add(legacyOnly);
    }

    @Test
    @Order(4)
    void duringACanaryOrdersWrittenOnBothSidesEndUpInBothStores() {
        env.stage(CANARY);
        // Before the reload every user went to orders-service; a user sent to legacy shows the canary is live.
        String toLegacy = await().atMost(MigrationEnvironment.RELOAD).ignoreExceptions()
                .until(() -> SyncTimeouts.userRoutedTo(env, "legacy"), user -> true);
        String toOrders = SyncTimeouts.userRoutedTo(env, "orders");
        List<Long> canaryIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            GatewayClient.Answer onOrders = create(toOrders, 3, i + 1);
            GatewayClient.Answer onLegacy = create(toLegacy, 4, i + 1);
            assertThat(onOrders.backend()).hasValue("orders");
            assertThat(onLegacy.backend()).hasValue("legacy");
            canaryIds.add(onOrders.json().get("id").asLong());
            canaryIds.add(onLegacy.json().get("id").asLong());
        }

        // The monolith publishes from its outbox table shortly after each commit, so wait for the stores, not the broker.
        await().atMost(SyncTimeouts.SETTLE).untilAsserted(() -> {
            assertThat(env.orders().listAll("").stream().map(order -> order.get("id").asLong())).containsAll(canaryIds);
            assertThat(env.legacy().listAll("").stream().map(order -> order.get("id").asLong())).containsAll(canaryIds);
        });
        for (long id : canaryIds) {
            assertThat(env.orders().get("/api/orders/" + id).body()).isEqualTo(env.legacy().get("/api/orders/" + id).body());
        }
    }

    @Test
    @Order(5)
    void afterARollbackToLegacyEveryOrderIsStillReadable() {
        env.stage("stage: legacy", "someone", "legacy");
        assertThat(createdIds).isNotEmpty();

        for (long id : createdIds) {
            GatewayClient.Answer read = gateway.send("GET", "/api/orders/" + id, "someone", null, null);
            assertThat(read.status()).as("order %d after rollback", id).isEqualTo(200);
            assertThat(read.backend()).hasValue("legacy");
            assertThat(read.body()).isEqualTo(env.orders().get("/api/orders/" + id).body());
        }
    }

    private GatewayClient.Answer create(String user, long customerId, int quantity) {
        GatewayClient.Answer created = gateway.send("POST", "/api/orders", user, UUID.randomUUID().toString(),
                "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":%d}]}".formatted(customerId, quantity, quantity));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        createdIds.add(created.json().get("id").asLong());
        return created;
    }
}
