package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.api.extensions.v1alpha1.FailStrategy;
import io.fabric8.istio.api.api.extensions.v1alpha1.PluginPhase;
import io.fabric8.istio.api.api.extensions.v1alpha1.PluginType;
import io.fabric8.istio.api.extensions.v1alpha1.WasmPlugin;
import io.fabric8.istio.api.networking.v1alpha3.EnvoyFilter;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional WasmPlugin (istio/optional/wasmplugin-edge-tagging.yaml) loads exactly the module the build makes,
 * from the static server of istio/optional/edge-wasm-server.yaml, on the same ingress gateway as the EnvoyFilter.
 */
class WasmPluginTest {

    private static final String MANIFEST = "istio/optional/wasmplugin-edge-tagging.yaml";
    private static final String SERVER = "istio/optional/edge-wasm-server.yaml";

    private final YamlDocument pluginDocument = YamlDocument.read(RepositoryLayout.resolve(MANIFEST)).get(0);
    private final WasmPlugin plugin = (WasmPlugin) FabricModels.parse(pluginDocument);
    private final List<YamlDocument> server = YamlDocument.read(RepositoryLayout.resolve(SERVER));
    private final YamlDocument envoyFilter =
            YamlDocument.read(RepositoryLayout.resolve("istio/envoyfilter-edge-tagging.yaml")).get(0);

    @Test
    void parsesWithFabric8sIstioModelWithoutUnknownFields() {
        assertThat(FabricModels.problems(pluginDocument)).isEmpty();
        server.forEach(d -> assertThat(FabricModels.problems(d)).as(d.toString()).isEmpty());
    }

    @Test
    void pinsTheSha256OfTheModuleTheBuildMakes() {
        assertThat(plugin.getSpec().getSha256())
                .as("%s sha256 must be the built module's (%s): after a change to istio/wasm/edge_tagging.rs run"
                        + " istio/wasm/deploy.sh --pin and commit the manifest", MANIFEST, EdgeTaggingWasmTest.MODULE)
                .isEqualTo(sha256(EdgeTaggingWasmTest.MODULE));
    }

    @Test
    void buildingTwiceGivesTheSameBytes(@TempDir Path dir) {
        for (String name : List.of("a.wasm", "b.wasm")) {
            ToolRun run = ToolRun.run(RepositoryLayout.root(), RequiredTool.BASH, "istio/wasm/build.sh",
                    dir.resolve(name).toString());
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }
        assertThat(sha256(dir.resolve("a.wasm"))).as("reproducible build").isEqualTo(sha256(dir.resolve("b.wasm")))
                .isEqualTo(sha256(EdgeTaggingWasmTest.MODULE));
    }

    @Test
    void runsOnTheIngressGatewayLikeTheEnvoyFilterLastBeforeTheRouterAndFailsClosed() {
        assertThat(plugin.getMetadata().getNamespace()).isEqualTo(envoyFilter.tree().at("/metadata/namespace").asText());
        EnvoyFilter lua = (EnvoyFilter) FabricModels.parse(envoyFilter);
        assertThat(plugin.getSpec().getSelector().getMatchLabels()).containsEntry("istio", "ingressgateway")
                .isEqualTo(lua.getSpec().getWorkloadSelector().getLabels());
        assertThat(plugin.getSpec().getType()).isEqualTo(PluginType.HTTP);
        assertThat(plugin.getSpec().getPhase()).as("where the EnvoyFilter puts the Lua").isEqualTo(PluginPhase.UNSPECIFIED_PHASE);
        assertThat(plugin.getSpec().getFailStrategy()).as("never forward unstripped headers").isEqualTo(FailStrategy.FAIL_CLOSE);
    }

    @Test
    void fetchesTheModuleFromTheStaticServerOutsideTheMesh() {
        URI url = URI.create(plugin.getSpec().getUrl());
        assertThat(url.getScheme()).isEqualTo("http");
        Service service = one(Service.class);
        assertThat(url.getHost()).isEqualTo(service.getMetadata().getName() + "." + service.getMetadata().getNamespace()
                + ".svc.cluster.local");
        assertThat(url.getPort() == -1 ? 80 : url.getPort()).isEqualTo(service.getSpec().getPorts().get(0).getPort());

        Deployment deployment = one(Deployment.class);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("sidecar.istio.io/inject", "false");
        assertThat(one(Namespace.class).getMetadata().getLabels()).containsEntry("istio-injection", "disabled");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        var modules = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/usr/share/nginx/html"))
                .findFirst().orElseThrow(() -> new AssertionError("nginx's document root is not mounted"));
        String configMap = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(modules.getName())).findFirst().orElseThrow().getConfigMap().getName();
        String deploy = RepositoryLayout.read(RepositoryLayout.resolve("istio/wasm/deploy.sh"));
        assertThat(deploy).as("deploy.sh publishes the module in the ConfigMap the server mounts")
                .contains("configmap=" + configMap).contains("namespace=" + service.getMetadata().getNamespace())
                .contains("--from-file=" + url.getPath().substring(1) + "=");
    }

    @Test
    void isNotAppliedTogetherWithTheEnvoyFilter() {
        assertThat(RepositoryLayout.read(RepositoryLayout.resolve("istio/kustomization.yaml")))
                .as("running both would tag twice").doesNotContain("wasmplugin").doesNotContain("edge-wasm-server");
        assertThat(RepositoryLayout.read(RepositoryLayout.resolve("istio/wasm/deploy.sh")))
                .contains("delete envoyfilter " + envoyFilter.tree().at("/metadata/name").asText());
    }

    private <T> T one(Class<T> type) {
        List<T> found = server.stream().map(FabricModels::parse).filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName() + " in " + SERVER).hasSize(1);
        return found.get(0);
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
