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
 * The Dapr resources exist three times: dapr/components (real daprd via `dapr run -f .`, Postgres and Redis on
 * localhost), dapr/compose/components (docker compose, postgres:5432 and redis:6379) and k8s/base/dapr (Kubernetes,
 * the Postgres connection from a Secret, plus scopes). All follow Dapr's CRDs and say the same thing except where
 * the databases are.
 */
class DaprComponentsTest {

    private static final String ORIGINAL = "dapr/components";
    private static final Set<String> APP_IDS = Set.of("legacy-monolith", "orders-service");
    private static final List<String> COPIES = List.of("dapr/compose/components", "k8s/base/dapr");
    /** Where each copy says its databases are: the only metadata allowed to differ. */
    private static final Set<String> CONNECTION = Set.of("redisHost", "connectionString");

    @ParameterizedTest
    @ValueSource(strings = {ORIGINAL, "dapr/compose/components", "k8s/base/dapr"})
    void componentsFollowDaprsComponentCrd(String dir) {
        List<String> problems = new ArrayList<>();
        List<YamlDocument> components = components(dir);
        assertThat(components).extracting(YamlDocument::name).containsExactlyInAnyOrder("statestore", "indexstore", "pubsub");
        components.forEach(c -> problems.addAll(DaprComponentShape.violations(c)));
        resiliencies(dir).forEach(r -> problems.addAll(DaprComponentShape.violations(r)));
        assertThat(problems).isEmpty();
    }

    @Test
    void stateStoresArePostgresV2WhoseTransactionsRollBackAndPubsubStaysOnRedis() {
        for (String dir : List.of(ORIGINAL, "dapr/compose/components", "k8s/base/dapr")) {
            Map<String, YamlDocument> components = byName(components(dir));
            for (String store : List.of("statestore", "indexstore")) {
                assertThat(components.get(store).tree().at("/spec/type").asText()).as(dir + " " + store).isEqualTo("state.postgresql");
                assertThat(components.get(store).tree().at("/spec/version").asText()).as(dir + " " + store).isEqualTo("v2");
            }
            assertThat(metadata(components.get("statestore")).get("tablePrefix").path("value").asText())
                    .as(dir + ": the two stores keep separate tables")
                    .isNotEqualTo(metadata(components.get("indexstore")).get("tablePrefix").path("value").asText());
            assertThat(components.get("pubsub").tree().at("/spec/type").asText()).isEqualTo("pubsub.redis");
        }
    }

    @Test
    void resiliencyRetriesDeliveriesAndLegacyCallsEverywhereTheComponentsLive() {
        for (String dir : List.of(ORIGINAL, "dapr/compose/components", "k8s/base/dapr")) {
            List<YamlDocument> resiliencies = resiliencies(dir);
            assertThat(resiliencies).as(dir).hasSize(1);
            JsonNode spec = resiliencies.get(0).tree().path("spec");
            String inbound = spec.at("/targets/components/pubsub/inbound/retry").asText();
            JsonNode delivery = spec.path("policies").path("retries").path(inbound);
            assertThat(delivery.isObject()).as(dir + ": pubsub inbound retry policy").isTrue();
            assertThat(delivery.path("policy").asText()).as(dir + ": backoff").isEqualTo("exponential");
            assertThat(delivery.path("maxRetries").asInt(-1)).as(dir + ": bounded, so dead letters stay the last resort")
                    .isPositive();
            String outbound = spec.at("/targets/apps/legacy-monolith/retry").asText();
            assertThat(spec.path("policies").path("retries").path(outbound).path("maxRetries").asInt(-1))
                    .as(dir + ": invocations of legacy-monolith retry, bounded").isPositive();
        }
        JsonNode original = resiliencies(ORIGINAL).get(0).tree().path("spec");
        for (String dir : COPIES) {
            assertThat(resiliencies(dir).get(0).tree().path("spec")).as(dir + " says what " + ORIGINAL + " says").isEqualTo(original);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dapr/compose/components", "k8s/base/dapr"})
    void copiesDifferFromTheOriginalsOnlyInWhereTheDatabasesAre(String dir) {
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
                if (!CONNECTION.contains(name)) {
                    assertThat(actual.get(name)).as(copy + " metadata " + name).isEqualTo(value);
                }
            });
            if (actual.containsKey("redisHost")) {
                assertThat(actual.get("redisHost").path("value").asText()).as(copy + " redisHost").isEqualTo("redis:6379");
            }
            if (actual.containsKey("connectionString")) {
                JsonNode connection = actual.get("connectionString");
                if (dir.startsWith("k8s")) {
                    assertThat(connection.at("/secretKeyRef/name").asText()).as(copy + ": no password in a manifest")
                            .isEqualTo("dapr-postgres");
                } else {
                    assertThat(connection.path("value").asText()).as(copy + " connectionString").contains("host=postgres ");
                }
            }
        }
    }

    @Test
    void outboxPublishesOrdersOnlyFromTheOrdersStateStore() {
        for (String dir : List.of(ORIGINAL, "dapr/compose/components", "k8s/base/dapr")) {
            Map<String, YamlDocument> components = byName(components(dir));
            Map<String, JsonNode> statestore = metadata(components.get("statestore"));
            assertThat(statestore.get("outboxPublishPubsub").path("value").asText()).isEqualTo("pubsub");
            assertThat(statestore.get("outboxPublishTopic").path("value").asText()).isEqualTo("orders");
            // Postgres rolls a failed transaction back with its marker: its event is dropped, not retried forever.
            assertThat(statestore.get("outboxDiscardWhenMissingState").path("value").asText()).isEqualTo("true");
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

    private static List<YamlDocument> resiliencies(String dir) {
        List<YamlDocument> out = new ArrayList<>();
        for (Path file : RepositoryLayout.manifestFiles(dir)) {
            YamlDocument.read(file).stream().filter(d -> d.kind().equals("Resiliency")).forEach(out::add);
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
