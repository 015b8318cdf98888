package dev.strangler.gateway.observe;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Live figures for every route id, including {@code default}. */
public final class MigrationStats {

    private final Clock clock;
    private final Map<String, RouteStats> byRoute = new ConcurrentHashMap<>();

    public MigrationStats(Clock clock) {
        this.clock = clock;
    }

    public RouteStats route(String routeId) {
        RouteStats stats = byRoute.get(routeId);
        return stats != null ? stats : byRoute.computeIfAbsent(routeId, id -> new RouteStats(() -> clock.millis() / 1000));
    }
}
