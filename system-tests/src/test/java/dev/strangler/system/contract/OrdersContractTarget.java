package dev.strangler.system.contract;

/** An app that must serve the orders contract. Implementations start it and say which ids the suite may use. */
public interface OrdersContractTarget {

    String name();

    /** Starts the app and whatever it needs; called once per test run, the fixture is closed when the run ends. */
    ContractFixture start();
}
