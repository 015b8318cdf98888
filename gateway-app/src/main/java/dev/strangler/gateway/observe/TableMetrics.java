package dev.strangler.gateway.observe;

import java.util.List;

import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutesReloader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes which table is active ({@code strangler.routes.table}, tagged with its content hash, value =
 * number of routes) and counts reloads by outcome, so that replicas serving different tables show up on a dashboard.
 */
public final class TableMetrics implements RoutesReloader.Listener {

    private final MultiGauge table;
    private final Counter applied;
    private final Counter rejected;

    public TableMetrics(MeterRegistry registry, RouteTable initial) {
        this.table = MultiGauge.builder("strangler.routes.table")
                .description("The active migration table: value is the number of routes, tag hash is the SHA-256 of routes.yaml")
                .register(registry);
        this.applied = Counter.builder("strangler.routes.reloads").tag("outcome", "applied")
                .description("Reloads of routes.yaml").register(registry);
        this.rejected = Counter.builder("strangler.routes.reloads").tag("outcome", "rejected")
                .description("Reloads of routes.yaml").register(registry);
        show(initial);
    }

    private void show(RouteTable current) {
        int routes = current.source().routes().size();
        table.register(List.of(MultiGauge.Row.of(Tags.of("hash", current.source().contentHash()), routes)), true);
    }

    @Override
    public void reloaded(RouteTable next) {
        applied.increment();
        show(next);
    }

    @Override
    public void rejected(ParseResult result) {
        rejected.increment();
    }
}
