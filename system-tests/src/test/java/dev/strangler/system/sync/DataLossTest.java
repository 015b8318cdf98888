package dev.strangler.system.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.daprdouble.pubsub.ReorderSettings;
import dev.strangler.system.contract.OrdersApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data-loss test of the migration: a 50% canary, so both systems take writes, 500 orders (every tenth one then
 * cancelled) through the gateway while the monolith's subscriber fails 30% of its deliveries, deliveries are
 * reordered, and the monolith is restarted once. The sidecar double behaves as daprd 1.16 with the repository's
 * components: Postgres-style state, the outbox's delay and re-encoding, retries only as dapr/components/resiliency.yaml
 * says. Afterwards both stores hold exactly the same orders, with the same
 * status and totals, none lost and none duplicated, and the reconciliation report agrees.
 */
class DataLossTest {

    private static final int ORDERS = 500;
    private static final int USERS = 60;
    private static final int CLIENTS = 4;
    private static final Duration PER_REQUEST_DEADLINE = Duration.ofMinutes(4);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    private static final String CANARY = "stage: canary\n    canary: { percent: 50, stickyBy: \"header:X-User-Id\" }";

    private record Placed(long id, String backend, boolean cancelled) {
    }

    @Test
    void canaryWithFailingReorderedDeliveriesAndAMonolithRestartLosesAndSplitsNothing() throws Exception {
        // The repository's own Resiliency resource decides the retries, as for daprd: without it the first failed
        // delivery would go to the dead-letter topic. While the monolith restarts, every try fails and counts.
        try (MigrationEnvironment env = MigrationEnvironment.start("data-loss")) {
            OrdersApi legacy = env.legacy();
            OrdersApi orders = env.orders();
            // Orders from before the migration are copied first, so both stores start equal.
            orders.send("POST", "/actuator/backfill", "application/json", "{}");
            await().atMost(SyncTimeouts.SETTLE).untilAsserted(() ->
                    assertThat(orders.getJson("/actuator/backfill").get("state").asText()).isEqualTo("COMPLETED"));
            long legacyBefore = legacy.getJson("/api/orders?size=1").get("totalElements").asLong();

            env.stage(CANARY);
            await().atMost(MigrationEnvironment.RELOAD).ignoreExceptions()
                    .until(() -> SyncTimeouts.userRoutedTo(env, "legacy"), user -> true);
            env.stack().dapr().failDeliveries(DaprStack.LEGACY_APP_ID, 0.3);
            env.stack().dapr().reorderDeliveries(ReorderSettings.on(8, 150));

            Map<Integer, Placed> placed = new ConcurrentHashMap<>();
            CountDownLatch halfway = new CountDownLatch(ORDERS / 2);
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    running.add(clients.submit(() -> {
                        GatewayClient gateway = env.gatewayClient();
                        for (int i = next.getAndIncrement(); i < ORDERS; i = next.getAndIncrement()) {
                            placed.put(i, place(gateway, i));
                            halfway.countDown();
                        }
                        return null;
                    }));
                }
                assertThat(halfway.await(5, TimeUnit.MINUTES)).as("half of the orders placed").isTrue();
                env.stack().legacy().restart();
                for (Future<?> client : running) {
                    client.get(10, TimeUnit.MINUTES);
                }
            } finally {
                clients.shutdownNow();
            }

            env.stack().dapr().failDeliveries(DaprStack.LEGACY_APP_ID, 0.0);
            env.stack().dapr().reorderDeliveries(ReorderSettings.off());
            env.stack().awaitDeliveriesSettled(SyncTimeouts.SETTLE);

            assertThat(placed).hasSize(ORDERS);
            Set<Long> placedIds = placed.values().stream().map(Placed::id).collect(java.util.stream.Collectors.toSet());
            assertThat(placedIds).as("one order per request, whatever the retries").hasSize(ORDERS);
            assertThat(placed.values()).extracting(Placed::backend).contains("legacy", "orders");
            assertThat(env.stack().dapr().deadLetters()).as("nothing the Resiliency policy should have retried was parked").isEmpty();
            assertThat(orders.getJson("/actuator/deadletters")).as("orders-service's dead-letter subscriptions hold nothing").isEmpty();

            // The monolith publishes from its outbox table after each commit, so the broker settling is not the end:
            // wait (bounded) until both stores list the same orders, then compare them in detail.
            await().atMost(SyncTimeouts.SETTLE).untilAsserted(() -> {
                Map<Long, String> legacyNow = byId(legacy.listAll(""));
                Map<Long, String> serviceNow = byId(orders.listAll(""));
                assertThat(legacyNow).hasSize((int) legacyBefore + ORDERS);
                assertThat(serviceNow.keySet()).isEqualTo(legacyNow.keySet());
            });
            Map<Long, String> inLegacy = byId(legacy.listAll(""));
            Map<Long, String> inService = byId(orders.listAll(""));
            assertThat(inLegacy).hasSize((int) legacyBefore + ORDERS);
            assertThat(inService.keySet()).isEqualTo(inLegacy.keySet());
            assertThat(inLegacy.keySet()).containsAll(placedIds);
            List<Long> different = inLegacy.keySet().stream().filter(id -> !inLegacy.get(id).equals(inService.get(id))).toList();
            assertThat(different).as("orders whose JSON differs between the stores").isEmpty();
            for (Placed order : placed.values()) {
                String expected = order.cancelled() ? "CANCELLED" : "CREATED";
                assertThat(inService.get(order.id())).contains("\"status\":\"" + expected + "\"");
            }

            JsonNode report = orders.getJson("/actuator/reconciliation");
            assertThat(report.get("consistent").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.get("legacyCount").asLong()).isEqualTo(legacyBefore + ORDERS);
            assertThat(report.get("serviceCount").asLong()).isEqualTo(legacyBefore + ORDERS);
        }
    }

    /** Creates order {@code i} (and cancels every tenth), retrying with the same Idempotency-Key while it may not have happened. */
    private static Placed place(GatewayClient gateway, int i) {
        String user = "user-" + (i % USERS);
        String body = "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":%d}]}".formatted(i % 6 + 1, i % 12 + 1, i % 5 + 1);
        GatewayClient.Answer created = untilSettled(() -> gateway.send("POST", "/api/orders", user, "data-loss-" + i, body));
        assertThat(created.status()).as("create %d: %s", i, created.body()).isIn(200, 201);
        long id = created.json().get("id").asLong();
        String backend = created.backend().orElseThrow();
        if (i % 10 != 0) {
            return new Placed(id, backend, false);
        }
        GatewayClient.Answer cancelled = untilSettled(() -> gateway.send("POST", "/api/orders/" + id + "/cancel", user, null, null));
        // 409: an earlier attempt whose answer was lost did cancel it.
        assertThat(cancelled.status()).as("cancel %d: %s", id, cancelled.body()).isIn(200, 409);
        return new Placed(id, backend, true);
    }

    private static GatewayClient.Answer untilSettled(java.util.function.Supplier<GatewayClient.Answer> request) {
        Instant deadline = Instant.now().plus(PER_REQUEST_DEADLINE);
        GatewayClient.Answer answer = request.get();
        while (answer.retryable() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            answer = request.get();
        }
        return answer;
    }

    private static Map<Long, String> byId(List<JsonNode> listing) {
        Map<Long, String> byId = new HashMap<>();
        for (JsonNode order : listing) {
            String previous = byId.put(order.get("id").asLong(), order.toString());
            assertThat(previous).as("order %s listed twice", order.get("id")).isNull();
        }
        return byId;
    }
}
