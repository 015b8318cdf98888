package dev.strangler.system.contract;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.strangler.system.contract.ContractAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

class OrderErrorsContractTest {

    @ContractCase
    void unknownCustomerOrProductIs400AndStoresNothing(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long before = total(api);

        assertProblem(api.create(OrderBodies.order(fixture.unknownCustomerId(), fixture.product(0), 1)), 400, "unknown-customer");
        assertProblem(api.create(OrderBodies.order(fixture.customer(0), fixture.unknownProductId(), 1)), 400, "unknown-product");
        assertProblem(api.create(OrderBodies.order(fixture.customer(0), fixture.product(0), 1, fixture.unknownProductId(), 1)),
                400, "unknown-product");

        assertThat(total(api)).isEqualTo(before);
    }

    @ContractCase
    void invalidOrderBodiesAre400InvalidRequestAndStoreNothing(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long customer = fixture.customer(0);
        long product = fixture.product(0);
        Map<String, String> invalid = new LinkedHashMap<>();
        invalid.put("quantity zero", OrderBodies.order(customer, product, 0));
        invalid.put("negative quantity", OrderBodies.order(customer, product, -2));
        invalid.put("quantity above 1000", OrderBodies.order(customer, product, 1001));
        invalid.put("fractional quantity", "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":1.5}]}".formatted(customer, product));
        invalid.put("quantity as string", "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":\"1\"}]}".formatted(customer, product));
        invalid.put("missing quantity", "{\"customerId\":%d,\"items\":[{\"productId\":%d}]}".formatted(customer, product));
        invalid.put("missing productId", "{\"customerId\":%d,\"items\":[{\"quantity\":1}]}".formatted(customer));
        invalid.put("empty items", "{\"customerId\":%d,\"items\":[]}".formatted(customer));
        invalid.put("missing items", "{\"customerId\":%d}".formatted(customer));
        invalid.put("null items", "{\"customerId\":%d,\"items\":null}".formatted(customer));
        invalid.put("missing customerId", "{\"items\":[{\"productId\":%d,\"quantity\":1}]}".formatted(product));
        invalid.put("customerId as string", "{\"customerId\":\"%d\",\"items\":[{\"productId\":%d,\"quantity\":1}]}".formatted(customer, product));
        invalid.put("body is an array", "[]");
        invalid.put("body is null", "null");
        invalid.put("empty body", "");
        long before = total(api);

        assertSoftly(softly -> invalid.forEach((name, body) -> softly.check(() -> {
            ApiResponse response = api.create(body);
            assertThat(response.status()).as(name).isEqualTo(400);
            assertProblem(response, 400, "invalid-request");
        })));

        assertThat(total(api)).isEqualTo(before);
    }

    @ContractCase
    void malformedJsonIs400MalformedJson(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        assertProblem(api.create("{\"customerId\":1,"), 400, "malformed-json");
        assertProblem(api.create("{customerId: 1}"), 400, "malformed-json");
        assertProblem(api.create("not json"), 400, "malformed-json");
    }

    @ContractCase
    void badListingParametersAre400(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        assertSoftly(softly -> {
            for (String query : new String[] {"page=-1", "size=0", "size=101", "size=-5", "page=abc", "size=ten",
                    "customerId=abc", "customerId=1.5"}) {
                softly.check(() -> assertProblem(api.get("/api/orders?" + query), 400, "invalid-request"));
            }
        });
        assertThat(api.get("/api/orders?size=100").status()).isEqualTo(200);
        assertThat(api.get("/api/orders?size=1").status()).isEqualTo(200);
    }

    @ContractCase
    void unknownOrNonNumericOrderIdsAre404Or400(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        assertProblem(api.get("/api/orders/" + fixture.absentOrderId()), 404, "not-found");
        assertProblem(api.get("/api/orders/abc"), 400, "invalid-request");
        assertProblem(api.cancel(fixture.absentOrderId()), 404, "not-found");
    }

    @ContractCase
    void doubleCancelIs409(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long id = api.createOrder(fixture.customer(0), fixture.product(0), 1).get("id").asLong();
        api.cancel(id);
        assertProblem(api.cancel(id), 409, "order-already-cancelled");
    }

    @ContractCase
    void unsupportedMethodIs405(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long id = api.createOrder(fixture.customer(0), fixture.product(0), 1).get("id").asLong();
        assertProblem(api.send("DELETE", "/api/orders/" + id, null, null), 405, "method-not-allowed");
        assertProblem(api.send("PUT", "/api/orders", "application/json", "{}"), 405, "method-not-allowed");
        assertProblem(api.send("GET", "/api/orders/" + id + "/cancel", null, null), 405, "method-not-allowed");
    }

    @ContractCase
    void nonJsonContentTypeIs415(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        String body = OrderBodies.order(fixture.customer(0), fixture.product(0), 1);
        assertProblem(api.send("POST", "/api/orders", "text/plain", body), 415, "unsupported-media-type");
        assertProblem(api.send("POST", "/api/orders", "application/x-www-form-urlencoded", "customerId=1"), 415,
                "unsupported-media-type");
    }

    @ContractCase
    void unknownPathUnderOrdersIs404(ContractFixture fixture) {
        OrdersApi api = fixture.api();
        long id = api.createOrder(fixture.customer(0), fixture.product(0), 1).get("id").asLong();
        assertProblem(api.get("/api/orders/" + id + "/refunds"), 404, "not-found");
        assertProblem(api.send("POST", "/api/orders/" + id + "/refund", null, null), 404, "not-found");
    }

    private static long total(OrdersApi api) {
        return api.getJson("/api/orders?size=1").get("totalElements").asLong();
    }
}
