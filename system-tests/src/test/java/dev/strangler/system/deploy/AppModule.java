package dev.strangler.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an app module's own configuration (src/main/resources/application.yml) says about how it runs:
 * its name (the Dapr app-id for the Dapr apps), its ports and the environment variables it reads
 * (also through ${ENV} placeholders in files it loads from its config/ directory, such as routes.yaml).
 */
record AppModule(String module, JsonNode config, String rawConfig) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::([^}]*))?}");

    /** Environment variables the frameworks read themselves (Spring Boot's relaxed binding, the Dapr SDK, the JVM). */
    private static final List<String> FRAMEWORK_ENV = List.of("DAPR_HTTP_PORT", "DAPR_GRPC_PORT", "JAVA_TOOL_OPTIONS",
            "MANAGEMENT_OTLP_TRACING_ENDPOINT", "MANAGEMENT_TRACING_SAMPLING_PROBABILITY");

    static AppModule load(String module) {
        Path file = RepositoryLayout.resolve(module + "/src/main/resources/application.yml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(module + " has no src/main/resources/application.yml to compare the deployment with");
        }
        List<YamlDocument> documents = YamlDocument.read(file);
        StringBuilder raw = new StringBuilder(RepositoryLayout.read(file));
        RepositoryLayout.manifestFiles(module + "/config").forEach(extra -> raw.append('\n').append(RepositoryLayout.read(extra)));
        return new AppModule(module, documents.get(0).tree(), raw.toString());
    }

    Optional<String> property(String dottedPath) {
        JsonNode node = config;
        for (String part : dottedPath.split("\\.")) {
            node = node.path(part);
        }
        if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        return Optional.of(resolveDefaults(node.asText()));
    }

    String applicationName() {
        return property("spring.application.name")
                .orElseThrow(() -> new AssertionError(module + " sets no spring.application.name"));
    }

    int serverPort() {
        return Integer.parseInt(property("server.port").orElse("8080"));
    }

    int managementPort() {
        return property("management.server.port").map(Integer::parseInt).orElse(serverPort());
    }

    /**
     * Whether setting this environment variable changes the app: a ${NAME} placeholder in its config,
     * a property it declares under Spring Boot's relaxed binding, or a variable a framework reads.
     */
    boolean reads(String envName) {
        if (FRAMEWORK_ENV.contains(envName)) {
            return true;
        }
        Matcher m = PLACEHOLDER.matcher(rawConfig);
        while (m.find()) {
            if (m.group(1).equals(envName)) {
                return true;
            }
        }
        List<String> keys = new ArrayList<>();
        collectKeys(config, "", keys);
        return keys.stream().anyMatch(key -> relaxedEnvNames(key).contains(envName));
    }

    /**
     * Spring Boot's environment-variable forms of a property: dots to underscores and dashes dropped
     * (LEGACY_DATADIR), or its legacy form with dashes as underscores too (LEGACY_DATA_DIR).
     */
    static List<String> relaxedEnvNames(String property) {
        String upper = property.toUpperCase();
        return List.of(upper.replace("-", "").replace('.', '_'), upper.replace('-', '_').replace('.', '_'));
    }

    private static void collectKeys(JsonNode node, String prefix, List<String> keys) {
        if (!node.isObject()) {
            keys.add(prefix);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            collectKeys(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), keys);
        }
    }

    private static String resolveDefaults(String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
