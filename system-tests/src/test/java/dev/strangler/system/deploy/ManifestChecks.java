package dev.strangler.system.deploy;

import java.util.List;

/** Picks the check for a manifest document: fabric8's typed models, or the CRD structure where fabric8 has no model. */
final class ManifestChecks {

    private ManifestChecks() {
    }

    static List<String> problems(YamlDocument document) {
        if (FabricModels.isUnmodelled(document)) {
            return DaprComponentShape.violations(document);
        }
        if (TrafficExtensionShape.applies(document)) {
            return TrafficExtensionShape.violations(document);
        }
        return FabricModels.problems(document);
    }
}
