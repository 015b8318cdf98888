package dev.strangler.daprdouble.config;

import dev.strangler.daprdouble.support.Sidecars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The double reads the same component files `dapr run -f .` gives the real daprd. */
class ComponentLoaderTest {

    @Test
    void repositoryComponentsDeclareTheOutboxOnlyOnTheOrderStore() {
        Map<String, ComponentSpec> components = new ComponentLoader().load(Sidecars.REPOSITORY_COMPONENTS).stream()
                .collect(Collectors.toMap(ComponentSpec::name, Function.identity()));

        assertThat(components).containsOnlyKeys("statestore", "indexstore", "pubsub");
        assertThat(components.get("statestore").type()).isEqualTo("state.redis");
        assertThat(components.get("statestore").outbox()).contains(new OutboxSettings("pubsub", "orders"));
        assertThat(components.get("statestore").metadata()).containsEntry("actorStateStore", "false");
        assertThat(components.get("indexstore").type()).isEqualTo("state.redis");
        assertThat(components.get("indexstore").outbox()).isEmpty();
        assertThat(components.get("pubsub").type()).isEqualTo("pubsub.redis");
    }

    @Test
    void readsScopesAndSkipsOtherResourceKinds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("all.yaml"), """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: private-store
                spec:
                  type: state.in-memory
                  version: v1
                  metadata: []
                scopes: [orders-service]
                ---
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: ignored
                spec:
                  topic: orders
                """);

        List<ComponentSpec> components = new ComponentLoader().load(dir);

        assertThat(components).singleElement().satisfies(c -> {
            assertThat(c.visibleTo("orders-service")).isTrue();
            assertThat(c.visibleTo("legacy-monolith")).isFalse();
        });
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
