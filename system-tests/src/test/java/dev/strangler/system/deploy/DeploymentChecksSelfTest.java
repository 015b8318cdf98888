package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest checks catch the mistakes they exist for, and leave free-form fields alone. */
class DeploymentChecksSelfTest {

    @Test
    void unknownFieldsAndUnknownKindsAreReportedWithTheirPath() {
        List<YamlDocument> documents = fixture("misspelled-fields.yaml");
        assertThat(documents).hasSize(7);
        assertThat(FabricModels.problems(documents.get(0))).singleElement().asString().endsWith("unknown field .spec.replica");
        assertThat(FabricModels.problems(documents.get(1))).singleElement().asString()
                .contains("readinessProbe.httpGet.paht");
        assertThat(FabricModels.problems(documents.get(2))).singleElement().asString().endsWith(".retries.retryOnn");
        assertThat(FabricModels.problems(documents.get(3))).singleElement().asString().endsWith(".source.principal");
        assertThat(FabricModels.problems(documents.get(4))).singleElement().asString().endsWith(".match.contxt");
        assertThat(FabricModels.problems(documents.get(5))).singleElement().asString().contains("has no model for");
        assertThat(FabricModels.problems(documents.get(6))).singleElement().asString()
                .endsWith("field not in the schema .spec.http[0].match[0].uri.prefx");
    }

    @Test
    void envoyFilterPatchValueIsFreeForm() {
        assertThat(FabricModels.problems(fixture("valid-free-form.yaml").get(0))).isEmpty();
    }

    @Test
    void daprComponentsBreakingTheCrdStructureAreReported() {
        List<YamlDocument> documents = fixture("broken-dapr-components.yaml");
        assertThat(DaprComponentShape.violations(documents.get(0))).singleElement().asString().contains("spec.version");
        assertThat(DaprComponentShape.violations(documents.get(1))).singleElement().asString()
                .contains("exactly one of value or secretKeyRef");
        assertThat(DaprComponentShape.violations(documents.get(2))).singleElement().asString().contains("unknown field spec.metdata");
        assertThat(DaprComponentShape.violations(documents.get(3))).singleElement().asString().contains("dapr.io/v1alpha1");
    }

    @Test
    void trafficExtensionsBreakingTheCrdRulesAreReported() {
        List<YamlDocument> documents = fixture("broken-traffic-extensions.yaml");
        assertThat(ManifestChecks.problems(documents.get(0))).singleElement().asString()
                .contains("only one of targetRefs or selector");
        assertThat(ManifestChecks.problems(documents.get(1))).singleElement().asString()
                .contains("exactly one of wasm or lua");
        assertThat(ManifestChecks.problems(documents.get(2))).anySatisfy(p -> assertThat(p).contains("unknown field spec.lua.inlineCod"))
                .anySatisfy(p -> assertThat(p).contains("inlineCode must hold 1 to 65536 characters, has 0"));
    }

    @Test
    void relaxedBindingMatchesSpringBootsEnvironmentVariableForms() {
        assertThat(AppModule.relaxedEnvNames("legacy.data-dir")).containsExactly("LEGACY_DATADIR", "LEGACY_DATA_DIR");
    }

    private static List<YamlDocument> fixture(String name) {
        try (InputStream in = DeploymentChecksSelfTest.class.getResourceAsStream("/deploy/" + name)) {
            assertThat(in).as(name).isNotNull();
            return YamlDocument.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
