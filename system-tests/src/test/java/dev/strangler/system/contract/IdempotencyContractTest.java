package dev.strangler.system.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.strangler.system.contract.ContractAssertions.assertJson;
import static dev.strangler.system.contract.ContractAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyContractTest {

    @ContractCase
    void sameKeyAndSameBodyReturnTheSameOrder201ThenOnly200(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(1);
        String key = UUID.randomUUID().toString();
        long before = count(api, customer);

        ApiResponse first = api.create(OrderBodies.order(customer, fixture.product(0), 2, fixture.product(1), 1), key);
        // The same request, differently spelled: field order and whitespace do not make it another body.
        String respelled = ("{ \"items\": [ {\"quantity\": 2, \"productId\": %d}, {\"quantity\": 1, \"productId\": %d} ],"
                + " \"customerId\": %d }").formatted(fixture.product(0), fixture.product(1), customer);
        ApiResponse second = api.create(respelled, key);
        ApiResponse third = api.create(OrderBodies.order(customer, fixture.product(0), 2, fixture.product(1), 1), key);

        assertJson(first, 201);
        assertJson(second, 200);
        assertJson(third, 200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(third.body()).isEqualTo(first.body());
        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
        assertThat(count(api, customer)).as("only one order was stored").isEqualTo(before + 1);
    }

    @ContractCase
    void sameKeyWithAnotherBodyIsAConflictAndChangesNothing(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(0);
        String key = UUID.randomUUID().toString();
        ApiResponse first = api.create(OrderBodies.order(customer, fixture.product(0), 1), key);
        assertJson(first, 201);
        long before = count(api, customer);

        assertProblem(api.create(OrderBodies.order(customer, fixture.product(0), 2), key), 409, "idempotency-key-reused");
        assertProblem(api.create(OrderBodies.order(fixture.customer(1), fixture.product(0), 1), key), 409,
                "idempotency-key-reused");

        assertThat(count(api, customer)).isEqualTo(before);
        assertThat(api.get("/api/orders/" + first.json().get("id").asLong()).body()).isEqualTo(first.body());
    }

    @ContractCase
    void concurrentRequestsWithTheSameKeyCreateExactlyOneOrder(ContractFixture fixture) throws Exception {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(0);
        String key = UUID.randomUUID().toString();
        String body = OrderBodies.order(customer, fixture.product(1), 2);
        long before = count(api, customer);
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiResponse>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return api.create(body, key);
                }));
            }
            go.countDown();
            List<ApiResponse> responses = new ArrayList<>();
            for (Future<ApiResponse> future : futures) {
                responses.add(future.get(60, TimeUnit.SECONDS));
            }

            assertThat(responses).extracting(ApiResponse::status).containsOnly(201, 200);
            assertThat(responses).filteredOn(response -> response.status() == 201).hasSize(1);
            assertThat(responses).extracting(ApiResponse::body).containsOnly(responses.get(0).body());
            assertThat(count(api, customer)).isEqualTo(before + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @ContractCase
    void differentKeysCreateDifferentOrdersForTheSameBody(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        String body = OrderBodies.order(fixture.customer(0), fixture.product(1), 1);

        JsonNode one = api.create(body, UUID.randomUUID().toString()).json();
        JsonNode other = api.create(body, UUID.randomUUID().toString()).json();

        assertThat(other.get("id").asLong()).isNotEqualTo(one.get("id").asLong());
    }

    @ContractCase
    void aBlankOrOverlongKeyIsRejected(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        String body = OrderBodies.order(fixture.customer(0), fixture.product(0), 1);
        assertProblem(api.create(body, " "), 400, "invalid-request");
        assertProblem(api.create(body, "k".repeat(256)), 400, "invalid-request");
        assertJson(api.create(body, "k".repeat(255)), 201);
    }

    private static long count(OrdersApi api, long customer) {
        return api.getJson("/api/orders?size=1&customerId=" + customer).get("totalElements").asLong();
    }
}
