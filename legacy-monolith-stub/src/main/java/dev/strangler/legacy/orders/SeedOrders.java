package dev.strangler.legacy.orders;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Places the demo orders of a fresh database: the same customers, items and relative times on every machine, spread
 * over the last few weeks, a few of them cancelled.
 */
public final class SeedOrders {

    public static final int COUNT = 24;

    private final OrderService orders;
    private final OrderRepository repository;

    public SeedOrders(OrderService orders, OrderRepository repository) {
        this.orders = orders;
        this.repository = repository;
    }

    /** Places the orders with creation times before {@code now}; returns how many it placed. */
    public int place(List<Long> customerIds, List<Long> productIds, Instant now) {
        Random random = new Random(20261125L);
        for (int i = 0; i < COUNT; i++) {
            long customerId = customerIds.get(random.nextInt(customerIds.size()));
            List<OrderDraft.Line> lines = new ArrayList<>();
            List<Long> remaining = new ArrayList<>(productIds);
            int lineCount = 1 + random.nextInt(3);
            for (int l = 0; l < lineCount; l++) {
                long productId = remaining.remove(random.nextInt(remaining.size()));
                lines.add(new OrderDraft.Line(productId, 1 + random.nextInt(6)));
            }
            Duration age = Duration.ofHours((long) (COUNT - i) * 19).plusMinutes(random.nextInt(60))
                    .plusMillis(random.nextInt(1000));
            Order order = orders.place(new OrderDraft(customerId, lines), now.minus(age));
            if (i % 8 == 3) {
                repository.cancel(order.id());
            }
        }
        return COUNT;
    }
}
