package dev.strangler.daprdouble.config;

import dev.strangler.daprdouble.resiliency.Resiliency;
import dev.strangler.daprdouble.resiliency.RetryPolicy;
import dev.strangler.daprdouble.support.Sidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The double reads the same resource files `dapr run -f .` gives the real daprd, and refuses what it does not model. */
class ComponentLoaderTest {

    @Test
    void repositoryComponentsArePostgresStoresWithTheOutboxOnlyOnTheOrderStore() {
        Resources resources = new ComponentLoader().load(Sidecars.REPOSITORY_COMPONENTS);
        Map<String, ComponentSpec> components = resources.components().stream()
                .collect(Collectors.toMap(ComponentSpec::name, Function.identity()));

        assertThat(components).containsOnlyKeys("statestore", "indexstore", "pubsub");
        assertThat(components.get("statestore").type()).isEqualTo("state.postgresql");
        assertThat(components.get("statestore").version()).isEqualTo("v2");
        assertThat(components.get("statestore").outbox()).contains(new OutboxSettings("pubsub", "orders", "pubsub", true));
        assertThat(components.get("indexstore").outbox()).isEmpty();
        assertThat(components.get("pubsub").type()).isEqualTo("pubsub.redis");
    }

    @Test
    void repositoryResiliencyRetriesDeliveriesAndLegacyCalls() {
        Resiliency resiliency = new ComponentLoader().load(Sidecars.REPOSITORY_COMPONENTS).resiliency();

        RetryPolicy delivery = resiliency.pubsubInbound("pubsub", "legacy-monolith").orElseThrow();
        assertThat(delivery.exponential()).isTrue();
        assertThat(delivery.maxRetries()).isEqualTo(30);
        assertThat(delivery.maxInterval()).isEqualTo(Duration.ofSeconds(15));
        RetryPolicy legacy = resiliency.appTarget("legacy-monolith", "orders-service").orElseThrow();
        assertThat(legacy.retriesStatus(503)).isTrue();
        assertThat(legacy.retriesStatus(404)).as("a missing order is an answer").isFalse();
        assertThat(resiliency.appTarget("orders-service", "legacy-monolith")).isEmpty();
    }

    @Test
    void readsScopes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("all.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: private-store
                spec:
                  type: state.postgresql
                  version: v2
                  metadata: []
                scopes: [orders-service]
                """);

        List<ComponentSpec> components = new ComponentLoader().load(dir).components();

        assertThat(components).singleElement().satisfies(c -> {
            assertThat(c.visibleTo("orders-service")).isTrue();
            assertThat(c.visibleTo("legacy-monolith")).isFalse();
        });
    }

    /** state.redis's MULTI does not roll back and its JSON path needs RedisJSON: not modelled, so refused. */
    @Test
    void refusesAComponentTypeItDoesNotModelAndSaysWhichItDoes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("statestore.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: statestore
                spec:
                  type: state.redis
                  version: v1
                """);

        assertThatThrownBy(() -> new ComponentLoader().load(dir))
                .hasMessageContaining("statestore.yaml")
                .hasMessageContaining("does not model component statestore of type state.redis v1")
                .hasMessageContaining("state.postgresql/v2");
    }

    @Test
    void refusesDeclarativeSubscriptions(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sub.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: orders
                spec:
                  topic: orders
                """);

        assertThatThrownBy(() -> new ComponentLoader().load(dir)).hasMessageContaining("kind: Subscription");
    }

    @Test
    void refusesResiliencyFeaturesItDoesNotModel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("resiliency.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: r
                spec:
                  policies:
                    timeouts:
                      short: 1s
                  targets: {}
                """);
        assertThatThrownBy(() -> new ComponentLoader().load(dir)).hasMessageContaining("spec.policies.timeouts");

        Files.writeString(dir.resolve("resiliency.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: r
                spec:
                  policies:
                    retries:
                      quick: {policy: constant, duration: 1s, maxRetries: 2}
                  targets:
                    components:
                      statestore:
                        outbound:
                          retry: quick
                """);
        assertThatThrownBy(() -> new ComponentLoader().load(dir)).hasMessageContaining("components.statestore.outbound");
    }

    @Test
    void missingDirectorySaysWhatToPass(@TempDir Path dir) {
        assertThatThrownBy(() -> new ComponentLoader().load(dir.resolve("nope")))
                .hasMessageContaining("dapr/components");
    }

    @Test
    void appOptionParsesPorts() {
        assertThat(AppSpec.parse("orders-service=8082,grpc=50012,http=3512"))
                .isEqualTo(new AppSpec("orders-service", 8082, 50012, 3512));
        assertThat(AppSpec.parse("legacy-monolith=8081")).isEqualTo(new AppSpec("legacy-monolith", 8081, 0, 0));
        assertThatThrownBy(() -> AppSpec.parse("x=8081,rpc=1")).hasMessageContaining("grpc= and http=");
    }
}
