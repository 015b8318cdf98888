package dev.strangler.system.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.system.contract.ApiResponse;
import dev.strangler.system.contract.OrdersApi;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backfill is resumable: orders-service is stopped (SIGTERM) in the middle of a backfill, at a page the test
 * chooses by holding that page's read at a {@link MonolithGate} between the Dapr double and the monolith. After a
 * restart the next run reads on from the saved {@code afterId}, never re-reads or re-copies an earlier page, and ends
 * with every monolith order present exactly once. {@code fromStart} then reads everything again and copies nothing.
 */
class BackfillResumeTest {

    private static final int PAGE_SIZE = 5;
    private static final int PAGES_BEFORE_STOP = 2;
    private static final Duration HELD_WITHIN = Duration.ofMinutes(2);

    @Test
    void backfillStoppedMidRunResumesAfterItsLastSavedPageAndFromStartDuplicatesNothing() throws Exception {
        try (DaprStack stack = DaprStack.start("backfill-resume", DaprResources.repository(), UnaryOperator.identity(),
                spec -> spec.withArgs("--orders.sync-page-size=" + PAGE_SIZE));
             MonolithGate gate = MonolithGate.forwardingTo(stack.legacy().uri(""))) {
            stack.dapr().appPort(DaprStack.LEGACY_APP_ID, gate.port());
            OrdersApi legacy = new OrdersApi(stack.legacy().uri(""));
            OrdersApi orders = new OrdersApi(stack.orders().uri(""));
            Map<Long, JsonNode> legacyOrders = byId(legacy.listAll(""));
            List<Long> ascending = legacyOrders.keySet().stream().sorted().toList();
            assertThat(ascending).as("enough seed orders for several pages after the stop")
                    .hasSizeGreaterThan(PAGE_SIZE * (PAGES_BEFORE_STOP + 2));
            // Keyset paging reads n / size + 1 pages: the last one is short, or empty when the one before was full.
            long pagesInAll = ascending.size() / PAGE_SIZE + 1;
            long savedAfterId = ascending.get(PAGE_SIZE * PAGES_BEFORE_STOP - 1);

            gate.holdPageRead(PAGES_BEFORE_STOP + 1);
            assertThat(orders.send("POST", "/actuator/backfill", "application/json", "{}").status()).isEqualTo(200);
            assertThat(gate.awaitHeld(HELD_WITHIN)).isEqualTo(savedAfterId);
            JsonNode midway = orders.getJson("/actuator/backfill");
            assertThat(midway.get("state").asText()).isEqualTo("RUNNING");
            assertThat(midway.get("afterId").asLong()).isEqualTo(savedAfterId);
            assertThat(midway.get("pages").asLong()).isEqualTo(PAGES_BEFORE_STOP);
            assertThat(midway.get("copied").asLong()).isEqualTo((long) PAGE_SIZE * PAGES_BEFORE_STOP);

            stack.orders().stop();
            gate.release();
            stack.orders().restart();
            JsonNode afterRestart = orders.getJson("/actuator/backfill");
            assertThat(afterRestart.get("state").asText()).as("a run stopped mid-way is unfinished").isIn("RUNNING", "FAILED");
            assertThat(afterRestart.get("afterId").asLong()).isEqualTo(savedAfterId);
            assertThat(ids(orders.listAll(""))).as("the first pages were copied before the stop")
                    .containsExactlyInAnyOrderElementsOf(ascending.subList(0, PAGE_SIZE * PAGES_BEFORE_STOP));

            int readsBeforeResume = gate.pageAfterIds().size();
            ApiResponse resume = orders.send("POST", "/actuator/backfill", "application/json", "{}");
            assertThat(resume.status()).isEqualTo(200);
            assertThat(resume.json().get("resumedAfterId").asLong()).isEqualTo(savedAfterId);
            JsonNode resumed = awaitCompleted(orders);
            List<Long> resumedReads = gate.pageAfterIds().subList(readsBeforeResume, gate.pageAfterIds().size());
            assertThat(resumedReads).as("pages read by the resumed run").containsExactlyElementsOf(
                    pageStarts(ascending, PAGES_BEFORE_STOP, pagesInAll));
            assertThat(resumed.get("resumedAfterId").asLong()).isEqualTo(savedAfterId);
            assertThat(resumed.get("resumes").asLong()).isEqualTo(1);
            assertThat(resumed.get("pages").asLong()).isEqualTo(pagesInAll);
            assertThat(resumed.get("copied").asLong()).as("every order copied once over both runs").isEqualTo(ascending.size());
            assertThat(resumed.get("alreadyPresent").asLong()).as("no earlier page handled again").isZero();
            assertThat(byId(orders.listAll(""))).isEqualTo(legacyOrders);

            int readsBeforeRestart = gate.pageAfterIds().size();
            ApiResponse again = orders.send("POST", "/actuator/backfill", "application/json", "{\"fromStart\":true}");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("resumedAfterId").isNull()).isTrue();
            JsonNode fromStart = awaitCompleted(orders);
            assertThat(gate.pageAfterIds().subList(readsBeforeRestart, gate.pageAfterIds().size()))
                    .as("pages read by the run from the start").containsExactlyElementsOf(pageStarts(ascending, 0, pagesInAll));
            assertThat(fromStart.get("resumes").asLong()).isZero();
            assertThat(fromStart.get("pages").asLong()).isEqualTo(pagesInAll);
            assertThat(fromStart.get("copied").asLong()).isZero();
            assertThat(fromStart.get("alreadyPresent").asLong()).isEqualTo(ascending.size());
            assertThat(byId(orders.listAll(""))).as("nothing duplicated or changed").isEqualTo(legacyOrders);
        }
    }

    private static JsonNode awaitCompleted(OrdersApi orders) {
        await().atMost(SyncTimeouts.SETTLE)
                .until(() -> !orders.getJson("/actuator/backfill").get("state").asText().equals("RUNNING"));
        JsonNode progress = orders.getJson("/actuator/backfill");
        assertThat(progress.get("state").asText()).as(progress.toString()).isEqualTo("COMPLETED");
        return progress;
    }

    /** The {@code afterId} of each keyset page from page {@code first} (0-based) on. */
    private static List<Long> pageStarts(List<Long> ascending, int first, long pagesInAll) {
        List<Long> starts = new ArrayList<>();
        for (int page = first; page < pagesInAll; page++) {
            starts.add(page == 0 ? 0L : ascending.get(page * PAGE_SIZE - 1));
        }
        return starts;
    }

    private static List<Long> ids(List<JsonNode> listing) {
        return listing.stream().map(order -> order.get("id").asLong()).toList();
    }

    private static Map<Long, JsonNode> byId(List<JsonNode> listing) {
        Map<Long, JsonNode> byId = new HashMap<>();
        for (JsonNode order : listing) {
            assertThat(byId.put(order.get("id").asLong(), order)).as("order %s listed twice", order.get("id")).isNull();
        }
        return byId;
    }
}
