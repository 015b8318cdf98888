package dev.strangler.system.contract;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * Supplies every contract test with each app that serves the orders contract. Each app starts once per test run
 * (kept in the root extension store) and stops when the run ends.
 */
public final class ContractTargets implements ArgumentsProvider {

    /** Every app that must serve the orders contract; the whole suite runs against each of them. */
    static final List<OrdersContractTarget> ALL = List.of(
            new LegacyMonolithTarget(), new OrdersServiceTarget());

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ContractTargets.class);

    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        return ALL.stream().map(target -> Arguments.of(
                store.getOrComputeIfAbsent(target.name(), name -> target.start(), ContractFixture.class)));
    }
}
