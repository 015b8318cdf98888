package dev.strangler.system.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;

/** The monolith's jar on a fresh data directory; the catalog ids come from its own catalog endpoints. */
final class LegacyMonolithTarget implements OrdersContractTarget {

    /** The monolith allocates ids below this; orders-service from here on. */
    private static final long ORDERS_SERVICE_ID_FLOOR = 1_000_000_000L;

    @Override
    public String name() {
        return "legacy-monolith-stub";
    }

    @Override
    public ContractFixture start() {
        // The data directory is relative to the app's working directory, which the launcher empties first.
        AppProcess app = AppProcess.start(AppSpec.of("legacy-monolith-stub").named("contract-legacy-monolith")
                .withArgs("--legacy.data-dir=data"));
        try {
            OrdersApi api = new OrdersApi(app.uri(""));
            List<Long> customers = ids(api.getJson("/api/customers"));
            List<Long> products = ids(api.getJson("/api/products"));
            return new ContractFixture(name(), app.uri(""), customers, products,
                    Collections.max(customers) + 1_000, Collections.max(products) + 1_000,
                    ORDERS_SERVICE_ID_FLOOR - 1, 1, ORDERS_SERVICE_ID_FLOOR, List.of(app));
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(element -> ids.add(element.get("id").asLong()));
        return ids;
    }
}
