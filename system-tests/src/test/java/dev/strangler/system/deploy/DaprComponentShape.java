package dev.strangler.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * fabric8 has no model for Dapr, so Dapr resources are checked against the structure of Dapr's CRDs
 * (components.dapr.io, configurations.dapr.io and resiliencies.dapr.io, apiVersion dapr.io/v1alpha1, in dapr/dapr's
 * charts/dapr/crds).
 */
final class DaprComponentShape {

    private static final Set<String> COMPONENT_TOP = Set.of("apiVersion", "kind", "metadata", "spec", "scopes", "auth");
    private static final Set<String> COMPONENT_SPEC = Set.of("type", "version", "metadata", "ignoreErrors", "initTimeout");
    private static final Set<String> METADATA_ITEM = Set.of("name", "value", "secretKeyRef");
    private static final Set<String> SECRET_KEY_REF = Set.of("name", "key");
    private static final Set<String> OBJECT_META = Set.of("name", "namespace", "labels", "annotations");
    private static final Set<String> CONFIGURATION_SPEC = Set.of("tracing", "mtls", "metric", "metrics", "features",
            "accessControl", "api", "appHttpPipeline", "httpPipeline", "secrets", "components", "logging",
            "nameResolution", "wasm", "workflow");

    private DaprComponentShape() {
    }

    static List<String> violations(YamlDocument document) {
        JsonNode tree = document.tree();
        List<String> problems = new ArrayList<>();
        if (!"dapr.io/v1alpha1".equals(document.apiVersion())) {
            problems.add("apiVersion must be dapr.io/v1alpha1, is " + document.apiVersion());
        }
        checkMetadata(tree.path("metadata"), problems);
        switch (document.kind()) {
            case "Component" -> checkComponent(tree, problems);
            case "Configuration" -> checkConfiguration(tree, problems);
            case "Resiliency" -> checkResiliency(tree, problems);
            default -> problems.add("kind " + document.kind() + " is not a Dapr Component, Configuration or Resiliency");
        }
        return problems.stream().map(p -> document + ": " + p).toList();
    }

    private static void checkMetadata(JsonNode metadata, List<String> problems) {
        onlyFields(metadata, OBJECT_META, "metadata", problems);
        if (!metadata.path("name").isTextual() || metadata.path("name").asText().isBlank()) {
            problems.add("metadata.name is missing");
        }
    }

    private static void checkComponent(JsonNode tree, List<String> problems) {
        onlyFields(tree, COMPONENT_TOP, "", problems);
        JsonNode spec = tree.path("spec");
        onlyFields(spec, COMPONENT_SPEC, "spec", problems);
        if (!spec.path("type").isTextual() || !spec.path("type").asText().matches("[a-z]+\\.[a-z0-9.\\-]+")) {
            problems.add("spec.type must be <building block>.<component>, e.g. state.redis");
        }
        if (!spec.path("version").isTextual() || !spec.path("version").asText().matches("v\\d+(alpha\\d+|beta\\d+)?")) {
            problems.add("spec.version must be a string like v1");
        }
        JsonNode items = spec.path("metadata");
        if (!items.isMissingNode() && !items.isArray()) {
            problems.add("spec.metadata must be a list of {name, value | secretKeyRef}");
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String where = "spec.metadata[" + i + "]";
            onlyFields(item, METADATA_ITEM, where, problems);
            if (!item.path("name").isTextual() || item.path("name").asText().isBlank()) {
                problems.add(where + ".name is missing");
            }
            if (item.has("value") == item.has("secretKeyRef")) {
                problems.add(where + " needs exactly one of value or secretKeyRef");
            }
            if (item.has("value") && !item.get("value").isValueNode()) {
                problems.add(where + ".value must be a scalar");
            }
            if (item.has("secretKeyRef")) {
                onlyFields(item.get("secretKeyRef"), SECRET_KEY_REF, where + ".secretKeyRef", problems);
                if (!item.get("secretKeyRef").path("name").isTextual()) {
                    problems.add(where + ".secretKeyRef.name is missing");
                }
            }
        }
        JsonNode scopes = tree.path("scopes");
        if (!scopes.isMissingNode() && (!scopes.isArray() || !allText(scopes))) {
            problems.add("scopes must be a list of app ids");
        }
    }

    private static void checkConfiguration(JsonNode tree, List<String> problems) {
        onlyFields(tree, Set.of("apiVersion", "kind", "metadata", "spec"), "", problems);
        onlyFields(tree.path("spec"), CONFIGURATION_SPEC, "spec", problems);
        JsonNode mtls = tree.path("spec").path("mtls");
        if (!mtls.isMissingNode()) {
            onlyFields(mtls, Set.of("enabled", "workloadCertTTL", "allowedClockSkew", "controlPlaneTrustDomain",
                    "sentryAddress", "tokenValidators"), "spec.mtls", problems);
            if (mtls.has("enabled") && !mtls.get("enabled").isBoolean()) {
                problems.add("spec.mtls.enabled must be a boolean");
            }
            for (String required : List.of("enabled", "controlPlaneTrustDomain", "sentryAddress")) {
                if (!mtls.has(required)) {
                    problems.add("spec.mtls." + required + " is required by the Configuration CRD");
                }
            }
        }
        JsonNode nameResolution = tree.path("spec").path("nameResolution");
        if (!nameResolution.isMissingNode()) {
            onlyFields(nameResolution, Set.of("component", "version", "configuration"), "spec.nameResolution", problems);
            for (String required : List.of("component", "version", "configuration")) {
                if (!nameResolution.has(required)) {
                    problems.add("spec.nameResolution." + required + " is required by the Configuration CRD");
                }
            }
        }
        JsonNode tracing = tree.path("spec").path("tracing");
        if (!tracing.isMissingNode()) {
            onlyFields(tracing, Set.of("samplingRate", "stdout", "zipkin", "otel"), "spec.tracing", problems);
            if (tracing.has("samplingRate") && !tracing.get("samplingRate").isTextual()) {
                problems.add("spec.tracing.samplingRate must be a string");
            }
            onlyFields(tracing.path("otel"), Set.of("endpointAddress", "isSecure", "protocol", "headers", "timeout"),
                    "spec.tracing.otel", problems);
        }
    }

    private static void checkResiliency(JsonNode tree, List<String> problems) {
        onlyFields(tree, Set.of("apiVersion", "kind", "metadata", "spec", "scopes"), "", problems);
        JsonNode spec = tree.path("spec");
        onlyFields(spec, Set.of("policies", "targets"), "spec", problems);
        if (!spec.has("policies") || !spec.has("targets")) {
            problems.add("spec.policies and spec.targets are required by the Resiliency CRD");
        }
        JsonNode policies = spec.path("policies");
        onlyFields(policies, Set.of("timeouts", "retries", "circuitBreakers"), "spec.policies", problems);
        Set<String> retries = new HashSet<>();
        policies.path("retries").fields().forEachRemaining(retry -> {
            retries.add(retry.getKey());
            String where = "spec.policies.retries." + retry.getKey();
            onlyFields(retry.getValue(), Set.of("policy", "duration", "maxInterval", "maxRetries", "matching"), where, problems);
            String policy = retry.getValue().path("policy").asText("constant");
            if (!Set.of("constant", "exponential").contains(policy)) {
                problems.add(where + ".policy must be constant or exponential");
            }
            onlyFields(retry.getValue().path("matching"), Set.of("httpStatusCodes", "gRPCStatusCodes"), where + ".matching", problems);
        });
        JsonNode targets = spec.path("targets");
        onlyFields(targets, Set.of("apps", "actors", "components"), "spec.targets", problems);
        targets.path("apps").fields().forEachRemaining(app -> checkPolicyNames(app.getValue(),
                "spec.targets.apps." + app.getKey(), retries, problems));
        targets.path("components").fields().forEachRemaining(component -> {
            String where = "spec.targets.components." + component.getKey();
            onlyFields(component.getValue(), Set.of("inbound", "outbound"), where, problems);
            checkPolicyNames(component.getValue().path("inbound"), where + ".inbound", retries, problems);
            checkPolicyNames(component.getValue().path("outbound"), where + ".outbound", retries, problems);
        });
    }

    private static void checkPolicyNames(JsonNode target, String where, Set<String> retries, List<String> problems) {
        onlyFields(target, Set.of("timeout", "retry", "circuitBreaker", "circuitBreakerCacheSize", "circuitBreakerScope"),
                where, problems);
        if (target.has("retry") && !retries.contains(target.get("retry").asText())) {
            problems.add(where + ".retry names no policy in spec.policies.retries");
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String where, List<String> problems) {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            problems.add((where.isEmpty() ? "document" : where) + " must be a mapping");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                problems.add("unknown field " + (where.isEmpty() ? "" : where + ".") + field);
            }
        }
    }
}
