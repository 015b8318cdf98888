package dev.strangler.gateway.shadow;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.strangler.gateway.support.Http;

/** Reads a route's shadow figures the way a team lead sees them: from GET /actuator/migration on the management port. */
final class MigrationFigures {

    private MigrationFigures() {
    }

    static HttpResponse<String> migration(int managementPort) {
        HttpResponse<String> response = Http.get("http://127.0.0.1:" + managementPort + "/actuator/migration");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/migration answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> shadow(int managementPort, String routeId) {
        List<Map<String, Object>> routes = (List<Map<String, Object>>) Http.json(migration(managementPort)).get("routes");
        Map<String, Object> route = routes.stream().filter(r -> routeId.equals(r.get("id"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no route " + routeId + " in /actuator/migration"));
        return (Map<String, Object>) ((Map<String, Object>) route.get("live")).get("shadow");
    }

    static long count(Map<String, Object> shadow, String figure) {
        return ((Number) shadow.get(figure)).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> mismatches(Map<String, Object> shadow) {
        return (List<Map<String, Object>>) shadow.get("recentMismatches");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> differences(Map<String, Object> sample) {
        return (List<Map<String, Object>>) sample.get("differences");
    }

    static List<String> wheres(Map<String, Object> sample) {
        return differences(sample).stream().map(d -> (String) d.get("where")).toList();
    }

    /** The difference at {@code where}, as primary and shadow values (either may be null). */
    static java.util.Optional<List<Object>> valuesAt(Map<String, Object> sample, String where) {
        return differences(sample).stream().filter(d -> where.equals(d.get("where")))
                .map(d -> java.util.Arrays.asList(d.get("primary"), d.get("shadow"))).findFirst();
    }
}
