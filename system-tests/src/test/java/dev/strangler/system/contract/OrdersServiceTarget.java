package dev.strangler.system.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.system.sync.DaprStack;

/**
 * orders-service's jar with its Dapr sidecar double and the monolith behind it: customers and products stay in the
 * monolith, which orders-service reaches through Dapr service invocation. Absent ids are checked in the monolith's id
 * range, so the read-through path answers them.
 */
final class OrdersServiceTarget implements OrdersContractTarget {

    private static final long ORDERS_SERVICE_ID_FLOOR = 1_000_000_000L;

    @Override
    public String name() {
        return "orders-service";
    }

    @Override
    public ContractFixture start() {
        DaprStack stack = DaprStack.start("contract-orders");
        try {
            OrdersApi legacy = new OrdersApi(stack.legacy().uri(""));
            List<Long> customers = ids(legacy.getJson("/api/customers"));
            List<Long> products = ids(legacy.getJson("/api/products"));
            return new ContractFixture(name(), stack.orders().uri(""), customers, products,
                    Collections.max(customers) + 1_000, Collections.max(products) + 1_000,
                    ORDERS_SERVICE_ID_FLOOR - 1, ORDERS_SERVICE_ID_FLOOR, Long.MAX_VALUE, List.of(stack));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(element -> ids.add(element.get("id").asLong()));
        return ids;
    }
}
