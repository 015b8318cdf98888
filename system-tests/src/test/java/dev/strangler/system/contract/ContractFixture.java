package dev.strangler.system.contract;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running app that serves the orders contract, and what the suite may assume about it.
 *
 * @param target            name shown in test names
 * @param baseUrl           where {@code /api/orders} is served
 * @param customerIds       customers the app accepts orders for (at least two)
 * @param productIds        products the app accepts (at least two)
 * @param unknownCustomerId a customer id the app rejects
 * @param unknownProductId  a product id the app rejects
 * @param absentOrderId     an order id that does not exist
 * @param orderIdMin        smallest id the app may allocate
 * @param orderIdLimit      ids the app allocates stay below this
 * @param resources         processes to stop when the test run ends
 */
public record ContractFixture(String target, URI baseUrl, List<Long> customerIds, List<Long> productIds,
                              long unknownCustomerId, long unknownProductId, long absentOrderId,
                              long orderIdMin, long orderIdLimit, List<AutoCloseable> resources)
        implements ExtensionContext.Store.CloseableResource {

    public ContractFixture {
        customerIds = List.copyOf(customerIds);
        productIds = List.copyOf(productIds);
        resources = List.copyOf(resources);
        if (customerIds.size() < 2 || productIds.size() < 2) {
            throw new IllegalArgumentException("the contract suite needs at least two customers and two products, got "
                    + customerIds + " and " + productIds);
        }
    }

    public OrdersApi api() {
        return new OrdersApi(baseUrl);
    }

    public long customer(int index) {
        return customerIds.get(index);
    }

    public long product(int index) {
        return productIds.get(index);
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return target;
    }
}
