package dev.strangler.gateway.routes;

import java.util.List;
import java.util.Set;

/**
 * One route of the migration table, as written in routes.yaml.
 *
 * @param methods upper-case methods this route serves, empty for all; HEAD is present whenever GET is
 * @param backend the route's own backend (the new service), or null for a legacy route that names none
 */
public record RouteSpec(
        String id,
        List<String> paths,
        Set<String> methods,
        String backend,
        Stage stage,
        RewriteSpec rewrite,
        Resilience resilience,
        AdviceSpec advice,
        SourceLocation location) {

    public boolean allMethods() {
        return methods.isEmpty();
    }

    public boolean serves(String method) {
        return methods.isEmpty() || methods.contains(method);
    }
}
