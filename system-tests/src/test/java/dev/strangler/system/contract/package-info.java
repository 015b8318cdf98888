/**
 * The orders contract suite: one set of tests that every app serving {@code /api/orders} must pass, written against a
 * base URL only. The contract itself is written down in {@code legacy-monolith-stub/README.md}.
 *
 * <p>Each test method is a {@link dev.strangler.system.contract.ContractCase} and runs once per entry of
 * {@link dev.strangler.system.contract.ContractTargets#ALL}. An entry is an
 * {@link dev.strangler.system.contract.OrdersContractTarget}: it starts its app (with whatever the app needs) and
 * returns a {@link dev.strangler.system.contract.ContractFixture} with the base URL, the customer and product ids the
 * app accepts, ids it rejects, and its order-id range. Adding an app is one more entry in that list.
 *
 * <p>The tests assume nothing about seed data beyond the fixture's ids, and they assert formats (money, createdAt,
 * integer ids) on the raw JSON text, because a parsed value would hide them.
 */
package dev.strangler.system.contract;
