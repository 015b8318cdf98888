package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The optional TrafficExtension (Istio 1.30+) carries the same tested Lua to the same proxies as the EnvoyFilter. */
class TrafficExtensionTest {

    private final YamlDocument extension =
            YamlDocument.read(RepositoryLayout.resolve("istio/optional/trafficextension-edge-tagging.yaml")).get(0);
    private final YamlDocument envoyFilter =
            YamlDocument.read(RepositoryLayout.resolve("istio/envoyfilter-edge-tagging.yaml")).get(0);

    @Test
    void followsIstiosTrafficExtensionCrd() {
        assertThat(TrafficExtensionShape.applies(extension)).isTrue();
        assertThat(TrafficExtensionShape.violations(extension)).isEmpty();
    }

    @Test
    void inlineCodeIsTheTestedLuaSourceVerbatim() {
        assertThat(extension.tree().at("/spec/lua/inlineCode").asText())
                .as("run istio/lua/inline.sh")
                .isEqualTo(RepositoryLayout.read(RepositoryLayout.resolve("istio/lua/edge-tagging.lua")));
    }

    @Test
    void targetsTheSameIngressGatewayAsTheEnvoyFilter() {
        assertThat(extension.tree().at("/metadata/namespace")).isEqualTo(envoyFilter.tree().at("/metadata/namespace"));
        assertThat(extension.tree().at("/spec/selector/matchLabels"))
                .isEqualTo(envoyFilter.tree().at("/spec/workloadSelector/labels"));
    }

    @Test
    void isNotAppliedTogetherWithTheEnvoyFilter() {
        assertThat(RepositoryLayout.read(RepositoryLayout.resolve("istio/kustomization.yaml")))
                .as("running both would run the script twice").doesNotContain("trafficextension");
    }
}
