package dev.strangler.system.contract;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.strangler.system.contract.ContractAssertions.assertJson;
import static dev.strangler.system.contract.ContractAssertions.assertOrderShape;
import static dev.strangler.system.contract.ContractAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

class OrderCreationContractTest {

    @ContractCase
    void createAnswers201WithLocationAndTheNewOrder(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(1);
        long firstProduct = fixture.product(0);
        long secondProduct = fixture.product(1);

        ApiResponse response = api.create(OrderBodies.order(customer, firstProduct, 2, secondProduct, 3));

        assertJson(response, 201);
        JsonNode order = response.json();
        long id = order.get("id").asLong();
        assertThat(id).isBetween(fixture.orderIdMin(), fixture.orderIdLimit() - 1);
        assertThat(response.header("Location")).hasValue("/api/orders/" + id);
        assertOrderShape(order, response.body());
        assertThat(order.get("customerId").asLong()).isEqualTo(customer);
        assertThat(order.get("status").asText()).isEqualTo("CREATED");
        assertThat(order.get("version").asLong()).isEqualTo(1);
        assertThat(order.get("items")).hasSize(2);
        assertThat(order.get("items").get(0).get("productId").asLong()).isEqualTo(firstProduct);
        assertThat(order.get("items").get(0).get("quantity").asInt()).isEqualTo(2);
        assertThat(order.get("items").get(1).get("productId").asLong()).isEqualTo(secondProduct);
        assertThat(order.get("items").get(1).get("quantity").asInt()).isEqualTo(3);
        assertThat(ContractAssertions.assertMoneyFormat(response.body())).as("total and two unit prices").isEqualTo(3);
        assertThat(ContractAssertions.assertCreatedAtFormat(response.body())).isEqualTo(1);
        Instant createdAt = Instant.parse(order.get("createdAt").asText());
        assertThat(Duration.between(createdAt, Instant.now()).abs()).as("createdAt is the time of creation, in UTC")
                .isLessThan(Duration.ofMinutes(10));
    }

    @ContractCase
    void createdOrderReadsBackIdenticallyFromItsLocation(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        ApiResponse created = api.create(OrderBodies.order(fixture.customer(0), fixture.product(1), 4));
        assertJson(created, 201);

        ApiResponse read = api.get(created.header("Location").orElseThrow());

        assertJson(read, 200);
        assertThat(read.body()).as("GET returns the exact JSON that POST returned").isEqualTo(created.body());
        assertThat(api.listAll("customerId=" + fixture.customer(0)))
                .extracting(JsonNode::toString).contains(created.json().toString());
    }

    @ContractCase
    void unitPriceIsTheSameForTheSameProductAndTotalsAddUp(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        JsonNode one = api.createOrder(fixture.customer(0), fixture.product(0), 1);
        JsonNode seven = api.createOrder(fixture.customer(1), fixture.product(0), 7);

        BigDecimal unitPrice = one.get("items").get(0).get("unitPrice").decimalValue();
        assertThat(seven.get("items").get(0).get("unitPrice").decimalValue()).isEqualByComparingTo(unitPrice);
        assertThat(one.get("total").decimalValue()).isEqualByComparingTo(unitPrice);
        assertThat(seven.get("total").decimalValue()).isEqualByComparingTo(unitPrice.multiply(BigDecimal.valueOf(7)));
    }

    @ContractCase
    void unknownRequestFieldsAreIgnored(ContractFixture fixture) {
        String body = ("{\"customerId\":%d,\"note\":\"leave at the back door\","
                + "\"items\":[{\"productId\":%d,\"quantity\":2,\"giftWrap\":true}]}")
                .formatted(fixture.customer(0), fixture.product(0));

        ApiResponse response = fixture.api().create(body);

        assertJson(response, 201);
        assertOrderShape(response.json(), response.body());
    }

    @ContractCase
    void getOfAnUnknownOrderIs404(ContractFixture fixture) {
        assertProblem(fixture.api().get("/api/orders/" + fixture.absentOrderId()), 404, "not-found");
    }
}
