package dev.strangler.gateway.routes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds routes that the specificity rule cannot order: the same path shape, overlapping methods, and
 * neither restricted to methods where the other is open. Grouping by shape keeps this linear in the
 * number of paths, so large tables validate quickly.
 */
final class OverlapCheck {

    private final YamlDocument doc;

    OverlapCheck(YamlDocument doc) {
        this.doc = doc;
    }

    void check(List<RouteSpec> routes) {
        Map<String, List<Entry>> byShape = new HashMap<>();
        for (RouteSpec route : routes) {
            for (String path : route.paths()) {
                try {
                    String shape = RoutePattern.parse(path).shape();
                    byShape.computeIfAbsent(shape, k -> new ArrayList<>()).add(new Entry(route, path));
                }
                catch (RoutePattern.InvalidPatternException e) {
                    // already reported while reading the route
                }
            }
        }
        for (List<Entry> group : byShape.values()) {
            for (int i = 0; i < group.size(); i++) {
                for (int j = i + 1; j < group.size(); j++) {
                    Entry a = group.get(i);
                    Entry b = group.get(j);
                    if (a.route != b.route && tie(a.route, b.route)) {
                        doc.error(b.route.location(), "routes '" + a.route.id() + "' (" + a.route.location() + ") and '"
                                + b.route.id() + "' both match \"" + a.path + "\"" + (a.path.equals(b.path) ? "" : " / \"" + b.path + "\"")
                                + " for the same methods, so neither is more specific; give them disjoint 'methods', "
                                + "restrict one of them to methods, or merge them into one route");
                    }
                }
            }
        }
    }

    private static boolean tie(RouteSpec a, RouteSpec b) {
        if (a.allMethods() && b.allMethods()) {
            return true;
        }
        if (a.allMethods() != b.allMethods()) {
            return false;
        }
        return a.methods().stream().anyMatch(b.methods()::contains);
    }

    private record Entry(RouteSpec route, String path) {
    }
}
