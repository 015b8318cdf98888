package dev.strangler.gateway.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.strangler.gateway.routes.Diagnostic;

/**
 * The table every request is resolved against, swapped whole on reload so that a request sees
 * either the old table or the new one, never a mix.
 */
public final class ActiveRouteTable {

    /** The last reload that failed, kept until a later reload succeeds. */
    public record ReloadFailure(String contentHash, java.time.Instant at, List<Diagnostic> errors) {
    }

    private final AtomicReference<RouteTable> table;
    private final AtomicReference<ReloadFailure> lastFailure = new AtomicReference<>();

    public ActiveRouteTable(RouteTable initial) {
        this.table = new AtomicReference<>(initial);
    }

    public RouteTable current() {
        return table.get();
    }

    public RouteTable swap(RouteTable next) {
        lastFailure.set(null);
        return table.getAndSet(next);
    }

    public void failed(ReloadFailure failure) {
        lastFailure.set(failure);
    }

    public ReloadFailure lastFailure() {
        return lastFailure.get();
    }
}
