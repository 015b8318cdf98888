package dev.strangler.gateway.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a reload changed, route by route, in the words the reload log uses. */
public record TableChanges(List<String> added, List<String> removed, List<String> modified, List<String> other) {

    public static TableChanges between(MigrationTable before, MigrationTable after) {
        Map<String, RouteSpec> old = index(before);
        Map<String, RouteSpec> now = index(after);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> other = new ArrayList<>();
        now.forEach((id, route) -> {
            RouteSpec was = old.get(id);
            if (was == null) {
                added.add(id + "(stage=" + route.stage().name() + ")");
            }
            else if (!sameExceptLocation(was, route)) {
                modified.add(id + "(stage=" + was.stage().name() + "->" + route.stage().name() + ")");
            }
        });
        old.forEach((id, route) -> {
            if (!now.containsKey(id)) {
                removed.add(id + "(stage=" + route.stage().name() + ")");
            }
        });
        if (!Objects.equals(before.defaultBackend(), after.defaultBackend())) {
            other.add("defaultBackend " + before.defaultBackend() + "->" + after.defaultBackend());
        }
        if (!before.backends().equals(after.backends())) {
            other.add("backends changed");
        }
        return new TableChanges(added, removed, modified, other);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && modified.isEmpty() && other.isEmpty();
    }

    @Override
    public String toString() {
        return "added=" + added + " removed=" + removed + " modified=" + modified + (other.isEmpty() ? "" : " other=" + other);
    }

    private static boolean sameExceptLocation(RouteSpec a, RouteSpec b) {
        return a.equals(new RouteSpec(b.id(), b.paths(), b.methods(), b.backend(), b.stage(), b.rewrite(), b.resilience(),
                b.advice(), a.location()));
    }

    private static Map<String, RouteSpec> index(MigrationTable table) {
        Map<String, RouteSpec> byId = new LinkedHashMap<>();
        table.routes().forEach(r -> byId.put(r.id(), r));
        return byId;
    }
}
