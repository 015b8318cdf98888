package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.api.networking.v1alpha3.EnvoyFilterApplyTo;
import io.fabric8.istio.api.api.networking.v1alpha3.EnvoyFilterPatchContext;
import io.fabric8.istio.api.api.networking.v1alpha3.EnvoyFilterPatchOperation;
import io.fabric8.istio.api.networking.v1alpha3.EnvoyFilter;
import org.junit.jupiter.api.Test;

/** The EnvoyFilter on the ingress gateway inserts the Lua filter, and carries exactly the tested Lua source. */
class EnvoyFilterLuaTest {

    private static final String MANIFEST = "istio/envoyfilter-edge-tagging.yaml";
    private static final String LUA = "istio/lua/edge-tagging.lua";

    private final YamlDocument document = YamlDocument.read(RepositoryLayout.resolve(MANIFEST)).get(0);

    @Test
    void inlinedLuaIsTheTestedSourceFileVerbatim() {
        JsonNode value = document.tree().at("/spec/configPatches/0/patch/value");
        String inlined = value.at("/typed_config/default_source_code/inline_string").asText(null);
        assertThat(inlined)
                .as("%s inline_string must equal %s byte for byte: run istio/lua/inline.sh", MANIFEST, LUA)
                .isEqualTo(RepositoryLayout.read(RepositoryLayout.resolve(LUA)));
    }

    @Test
    void insertsLuaBeforeTheRouterOnTheIngressGatewayOnly() {
        EnvoyFilter filter = (EnvoyFilter) FabricModels.parse(document);
        assertThat(filter.getSpec().getWorkloadSelector().getLabels()).containsEntry("istio", "ingressgateway");
        assertThat(filter.getSpec().getConfigPatches()).hasSize(1);
        var patch = filter.getSpec().getConfigPatches().get(0);
        assertThat(patch.getApplyTo()).isEqualTo(EnvoyFilterApplyTo.HTTP_FILTER);
        assertThat(patch.getMatch().getContext()).isEqualTo(EnvoyFilterPatchContext.GATEWAY);
        assertThat(patch.getPatch().getOperation()).isEqualTo(EnvoyFilterPatchOperation.INSERT_BEFORE);
        JsonNode match = document.tree().at("/spec/configPatches/0/match/listener/filterChain/filter");
        assertThat(match.path("name").asText()).isEqualTo("envoy.filters.network.http_connection_manager");
        assertThat(match.at("/subFilter/name").asText()).isEqualTo("envoy.filters.http.router");
        JsonNode value = document.tree().at("/spec/configPatches/0/patch/value");
        assertThat(value.path("name").asText()).isEqualTo("envoy.filters.http.lua");
        assertThat(value.at("/typed_config/@type").asText())
                .isEqualTo("type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua");
        assertThat(value.path("typed_config").has("inline_code")).as("the deprecated inline_code is not used").isFalse();
    }
}
