package dev.strangler.gateway.observe;

import java.util.ArrayList;
import java.util.List;

import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routing.CompiledRoute;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutesReloader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes which table is active ({@code strangler.routes.table}, tagged with its content hash, value =
 * number of routes) and counts reloads by outcome, so that replicas serving different tables show up on a dashboard.
 * {@code strangler.route.info} (value 1) says per route which backend is its legacy one and which its new one, and
 * its stage, so that fleet-wide rules can set the new backend's errors and latency against the legacy one's.
 */
public final class TableMetrics implements RoutesReloader.Listener {

    private final MultiGauge table;
    private final MultiGauge routes;
    private final Counter applied;
    private final Counter rejected;

    public TableMetrics(MeterRegistry registry, RouteTable initial) {
        this.table = MultiGauge.builder("strangler.routes.table")
                .description("The active migration table: value is the number of routes, tag hash is the SHA-256 of routes.yaml")
                .register(registry);
        this.routes = MultiGauge.builder("strangler.route.info")
                .description("Per route and role (legacy, new): the backend in that role, and the route's stage; value 1")
                .register(registry);
        this.applied = Counter.builder("strangler.routes.reloads").tag("outcome", "applied")
                .description("Reloads of routes.yaml").register(registry);
        this.rejected = Counter.builder("strangler.routes.reloads").tag("outcome", "rejected")
                .description("Reloads of routes.yaml").register(registry);
        show(initial);
    }

    private void show(RouteTable current) {
        int count = current.source().routes().size();
        table.register(List.of(MultiGauge.Row.of(Tags.of("hash", current.source().contentHash()), count)), true);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        current.source().routes().forEach(spec -> roles(current.route(spec.id()), rows));
        roles(current.defaultRoute(), rows);
        this.routes.register(rows, true);
    }

    private static void roles(CompiledRoute route, List<MultiGauge.Row<?>> rows) {
        Tags tags = Tags.of("route", route.id(), "stage", route.stage().name());
        rows.add(MultiGauge.Row.of(tags.and("role", "legacy", "backend", route.legacy().name()), 1));
        if (!route.target().equals(route.legacy())) {
            rows.add(MultiGauge.Row.of(tags.and("role", "new", "backend", route.target().name()), 1));
        }
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
