package dev.strangler.system.contract;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.strangler.system.contract.ContractAssertions.PAGE_FIELDS;
import static dev.strangler.system.contract.ContractAssertions.assertJson;
import static dev.strangler.system.contract.ContractAssertions.assertOrderFields;
import static dev.strangler.system.contract.ContractAssertions.fieldNames;
import static dev.strangler.system.contract.ContractAssertions.ids;
import static org.assertj.core.api.Assertions.assertThat;

class OrderListingContractTest {

    @ContractCase
    void listReturnsThePageObjectWithDefaultPageAndSize(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        api.createOrder(fixture.customer(0), fixture.product(0), 1);

        ApiResponse response = api.get("/api/orders");

        assertJson(response, 200);
        JsonNode page = response.json();
        assertThat(fieldNames(page)).containsExactlyInAnyOrderElementsOf(PAGE_FIELDS);
        assertThat(page.get("page").asInt()).isZero();
        assertThat(page.get("size").asInt()).isEqualTo(20);
        long total = page.get("totalElements").asLong();
        assertThat(total).isPositive();
        assertThat(page.get("totalPages").asLong()).isEqualTo((total + 19) / 20);
        assertThat(page.get("content").size()).isEqualTo((int) Math.min(20, total));
        page.get("content").forEach(order -> assertOrderFields(order, response.body()));
        int orders = page.get("content").size();
        int items = 0;
        for (JsonNode order : page.get("content")) {
            items += order.get("items").size();
        }
        assertThat(ContractAssertions.assertMoneyFormat(response.body())).isEqualTo(orders + items);
        assertThat(ContractAssertions.assertCreatedAtFormat(response.body())).isEqualTo(orders);
        ContractAssertions.assertIntegerIds(response.body());
    }

    @ContractCase
    void pagesSplitTheListingWithoutGapsOrOverlaps(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(1);
        for (int i = 0; i < 5; i++) {
            api.createOrder(customer, fixture.product(i % 2), i + 1);
        }
        String filter = "customerId=" + customer;

        JsonNode first = api.getJson("/api/orders?" + filter + "&page=0&size=2");
        JsonNode second = api.getJson("/api/orders?" + filter + "&page=1&size=2");
        JsonNode both = api.getJson("/api/orders?" + filter + "&page=0&size=4");

        assertThat(first.get("page").asInt()).isZero();
        assertThat(second.get("page").asInt()).isEqualTo(1);
        assertThat(second.get("size").asInt()).isEqualTo(2);
        List<Long> concatenated = new ArrayList<>(ids(first));
        concatenated.addAll(ids(second));
        assertThat(concatenated).hasSize(4).doesNotHaveDuplicates().isEqualTo(ids(both));
        long total = first.get("totalElements").asLong();
        assertThat(total).isGreaterThanOrEqualTo(5);
        assertThat(first.get("totalPages").asLong()).isEqualTo((total + 1) / 2);

        long lastPage = (total + 1) / 2 - 1;
        JsonNode last = api.getJson("/api/orders?" + filter + "&page=" + lastPage + "&size=2");
        assertThat(last.get("content").size()).isEqualTo(total % 2 == 0 ? 2 : 1);
        JsonNode beyond = api.getJson("/api/orders?" + filter + "&page=" + (lastPage + 1) + "&size=2");
        assertThat(beyond.get("content").size()).isZero();
        assertThat(beyond.get("totalElements").asLong()).isEqualTo(total);
        assertThat(api.listAll(filter)).hasSize((int) total);
    }

    @ContractCase
    void customerFilterReturnsOnlyThatCustomersOrdersAndCountsThem(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long mine = fixture.customer(0);
        long theirs = fixture.customer(1);
        long before = api.getJson("/api/orders?customerId=" + mine).get("totalElements").asLong();

        long myOrder = api.createOrder(mine, fixture.product(0), 2).get("id").asLong();
        long theirOrder = api.createOrder(theirs, fixture.product(0), 2).get("id").asLong();

        JsonNode page = api.getJson("/api/orders?customerId=" + mine);
        assertThat(page.get("totalElements").asLong()).isEqualTo(before + 1);
        List<JsonNode> all = api.listAll("customerId=" + mine);
        assertThat(all).allSatisfy(order -> assertThat(order.get("customerId").asLong()).isEqualTo(mine));
        assertThat(all).extracting(order -> order.get("id").asLong()).contains(myOrder).doesNotContain(theirOrder);
    }

    @ContractCase
    void listingIsNewestFirst(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(0);
        long first = api.createOrder(customer, fixture.product(0), 1).get("id").asLong();
        long second = api.createOrder(customer, fixture.product(1), 1).get("id").asLong();
        long third = api.createOrder(customer, fixture.product(0), 3).get("id").asLong();

        JsonNode page = api.getJson("/api/orders?customerId=" + customer + "&size=3");
        assertThat(ids(page)).containsExactly(third, second, first);

        Instant previous = Instant.MAX;
        for (JsonNode order : api.getJson("/api/orders?size=100").get("content")) {
            Instant createdAt = Instant.parse(order.get("createdAt").asText());
            assertThat(createdAt).as("createdAt of order %s", order.get("id")).isBeforeOrEqualTo(previous);
            previous = createdAt;
        }
    }

    @ContractCase
    void unknownCustomerFilterGivesAnEmptyPage(ContractFixture fixture) {
        JsonNode page = fixture.api().getJson("/api/orders?customerId=" + fixture.unknownCustomerId());
        assertThat(page.get("content").size()).isZero();
        assertThat(page.get("totalElements").asLong()).isZero();
        assertThat(page.get("totalPages").asLong()).isZero();
    }
}
