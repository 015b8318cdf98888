package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Dapr components exist three times: dapr/components (real daprd via `dapr run -f .`, Redis on localhost),
 * dapr/compose/components (docker compose, Redis at redis:6379) and k8s/base/dapr (Kubernetes, plus scopes).
 * All follow Dapr's Component CRD and say the same thing except where Redis is.
 */
class DaprComponentsTest {

    private static final String ORIGINAL = "dapr/components";
    private static final Set<String> APP_IDS = Set.of("legacy-monolith", "orders-service");

    @ParameterizedTest
    @ValueSource(strings = {ORIGINAL, "dapr/compose/components", "k8s/base/dapr"})
    void componentsFollowDaprsComponentCrd(String dir) {
        List<String> problems = new ArrayList<>();
        List<YamlDocument> components = components(dir);
        assertThat(components).extracting(YamlDocument::name).containsExactlyInAnyOrder("statestore", "indexstore", "pubsub");
        components.forEach(c -> problems.addAll(DaprComponentShape.violations(c)));
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dapr/compose/components", "k8s/base/dapr"})
    void copiesDifferFromTheOriginalsOnlyInTheRedisHost(String dir) {
        Map<String, YamlDocument> originals = byName(components(ORIGINAL));
        for (YamlDocument copy : components(dir)) {
            YamlDocument original = originals.get(copy.name());
            assertThat(original).as(dir + " has " + copy.name() + " that " + ORIGINAL + " lacks").isNotNull();
            assertThat(copy.tree().path("spec").path("type")).isEqualTo(original.tree().path("spec").path("type"));
            assertThat(copy.tree().path("spec").path("version")).isEqualTo(original.tree().path("spec").path("version"));
            Map<String, JsonNode> expected = metadata(original);
            Map<String, JsonNode> actual = metadata(copy);
            assertThat(actual.keySet()).as(copy.toString()).isEqualTo(expected.keySet());
            expected.forEach((name, value) -> {
                if (!name.equals("redisHost")) {
                    assertThat(actual.get(name)).as(copy + " metadata " + name).isEqualTo(value);
                }
            });
            assertThat(actual.get("redisHost").path("value").asText()).as(copy + " redisHost").isEqualTo("redis:6379");
        }
    }

    @Test
    void outboxPublishesOrdersOnlyFromTheOrdersStateStore() {
        for (String dir : List.of(ORIGINAL, "dapr/compose/components", "k8s/base/dapr")) {
            Map<String, YamlDocument> components = byName(components(dir));
            Map<String, JsonNode> statestore = metadata(components.get("statestore"));
            assertThat(statestore.get("outboxPublishPubsub").path("value").asText()).isEqualTo("pubsub");
            assertThat(statestore.get("outboxPublishTopic").path("value").asText()).isEqualTo("orders");
            assertThat(metadata(components.get("indexstore"))).as(dir + " indexstore").doesNotContainKeys(
                    "outboxPublishPubsub", "outboxPublishTopic");
            assertThat(components.get("pubsub").tree().at("/spec/type").asText()).startsWith("pubsub.");
        }
    }

    @Test
    void kubernetesScopesNameExistingAppIdsAndLetBothAppsPublish() {
        Map<String, YamlDocument> components = byName(components("k8s/base/dapr"));
        components.values().forEach(c -> c.tree().path("scopes")
                .forEach(scope -> assertThat(APP_IDS).as(c + " scope").contains(scope.asText())));
        List<String> pubsubScopes = new ArrayList<>();
        components.get("pubsub").tree().path("scopes").forEach(s -> pubsubScopes.add(s.asText()));
        assertThat(pubsubScopes).containsExactlyInAnyOrderElementsOf(APP_IDS);
        assertThat(components.get("statestore").tree().path("scopes").toString()).contains("orders-service");
    }

    private static List<YamlDocument> components(String dir) {
        List<YamlDocument> out = new ArrayList<>();
        for (Path file : RepositoryLayout.manifestFiles(dir)) {
            YamlDocument.read(file).stream().filter(d -> d.kind().equals("Component")).forEach(out::add);
        }
        return out;
    }

    private static Map<String, YamlDocument> byName(List<YamlDocument> documents) {
        Map<String, YamlDocument> map = new LinkedHashMap<>();
        documents.forEach(d -> map.put(d.name(), d));
        return map;
    }

    private static Map<String, JsonNode> metadata(YamlDocument component) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        component.tree().at("/spec/metadata").forEach(item -> map.put(item.path("name").asText(), item));
        return map;
    }
}
