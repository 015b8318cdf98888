package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The resources `kubectl kustomize` renders for one or more kustomization directories, parsed by fabric8. */
record ClusterResources(List<YamlDocument> documents, List<KubernetesResource> models) {

    static ClusterResources build(String... kustomizationDirs) {
        List<YamlDocument> documents = new ArrayList<>();
        for (String dir : kustomizationDirs) {
            ToolRun run = ToolRun.run(RepositoryLayout.root(), RequiredTool.KUBECTL, "kustomize", dir);
            assertThat(run.exitCode()).as("kubectl kustomize " + dir + "\n" + run.describe()).isZero();
            documents.addAll(YamlDocument.parse("kubectl kustomize " + dir, run.stdout()));
        }
        List<KubernetesResource> models = documents.stream()
                .map(d -> FabricModels.isUnmodelled(d) || TrafficExtensionShape.applies(d) ? null : FabricModels.parse(d))
                .toList();
        return new ClusterResources(documents, models);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return models.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
        return all(type).stream()
                .filter(r -> name.equals(r.getMetadata().getName()))
                .filter(r -> namespace == null || namespace.equals(r.getMetadata().getNamespace()))
                .findFirst();
    }

    List<YamlDocument> unmodelled(String kind) {
        return documents.stream().filter(FabricModels::isUnmodelled).filter(d -> d.kind().equals(kind)).toList();
    }

    /** Pod templates (with their Deployment) whose labels include every entry of the selector. */
    List<Deployment> deploymentsSelectedBy(String namespace, Map<String, String> selector) {
        return all(Deployment.class).stream()
                .filter(d -> namespace == null || Objects.equals(namespace, d.getMetadata().getNamespace()))
                .filter(d -> {
                    PodTemplateSpec template = d.getSpec().getTemplate();
                    Map<String, String> labels = template.getMetadata().getLabels();
                    return labels != null && labels.entrySet().containsAll(selector.entrySet());
                })
                .toList();
    }
}
