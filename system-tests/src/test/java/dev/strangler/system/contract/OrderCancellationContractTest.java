package dev.strangler.system.contract;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.strangler.system.contract.ContractAssertions.assertJson;
import static dev.strangler.system.contract.ContractAssertions.assertOrderShape;
import static dev.strangler.system.contract.ContractAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

class OrderCancellationContractTest {

    @ContractCase
    void cancelAnswersTheCancelledOrderWithTheNextVersion(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        JsonNode created = api.createOrder(fixture.customer(0), fixture.product(1), 3);
        long id = created.get("id").asLong();

        ApiResponse cancelled = api.cancel(id);

        assertJson(cancelled, 200);
        JsonNode order = cancelled.json();
        assertOrderShape(order, cancelled.body());
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("version").asLong()).isEqualTo(2);
        for (String unchanged : new String[] {"id", "customerId", "items", "total", "createdAt"}) {
            assertThat(order.get(unchanged)).as(unchanged).isEqualTo(created.get(unchanged));
        }
        assertThat(api.get("/api/orders/" + id).body()).isEqualTo(cancelled.body());
    }

    @ContractCase
    void secondCancelIsAConflictAndKeepsTheVersion(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long id = api.createOrder(fixture.customer(1), fixture.product(0), 1).get("id").asLong();
        String afterFirstCancel = api.cancel(id).body();

        assertProblem(api.cancel(id), 409, "order-already-cancelled");
        assertThat(api.get("/api/orders/" + id).body()).isEqualTo(afterFirstCancel);
    }

    @ContractCase
    void cancelOfAnUnknownOrderIs404(ContractFixture fixture) {
        assertProblem(fixture.api().cancel(fixture.absentOrderId()), 404, "not-found");
    }
}
