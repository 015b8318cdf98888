package dev.strangler.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses manifests into fabric8's typed Kubernetes and Istio models. fabric8 keeps fields it does not
 * know in {@code additionalProperties}, so a misspelled or unknown field shows up there: {@link #unknownFields}
 * lists every such place, except where the schema itself is free-form. Istio's one-of fields (for example
 * EnvoyFilter's match.listener, VirtualService's uri.prefix) are unwrapped by a deserializer that drops
 * what it does not know instead, so {@link #droppedFields} also writes the model back out and reports
 * every field of the document that did not survive.
 */
final class FabricModels {

    /** API groups whose kinds fabric8 has no model for; they are checked structurally elsewhere. */
    static final Set<String> UNMODELLED_GROUPS = Set.of("dapr.io");

    /** Free-form by schema: EnvoyFilter's patch.value is an arbitrary Envoy config fragment. */
    private static final Set<String> FREE_FORM_SUFFIXES = Set.of(".patch.value");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private FabricModels() {
    }

    /** The typed model of a document, or an exception naming the document when fabric8 cannot read it. */
    static KubernetesResource parse(YamlDocument document) {
        try {
            return SERIALIZATION.convertValue(document.tree(), KubernetesResource.class);
        } catch (RuntimeException e) {
            throw new AssertionError(document + " is not a valid " + document.kind() + ": " + e.getMessage(), e);
        }
    }

    static boolean isUnmodelled(YamlDocument document) {
        String apiVersion = document.apiVersion();
        int slash = apiVersion.indexOf('/');
        return slash > 0 && UNMODELLED_GROUPS.contains(apiVersion.substring(0, slash));
    }

    /** Problems with one document: not typed by fabric8, or carrying unknown fields (as paths). */
    static List<String> problems(YamlDocument document) {
        KubernetesResource model = parse(document);
        List<String> problems = new ArrayList<>();
        if (model instanceof GenericKubernetesResource) {
            problems.add(document + ": fabric8 has no model for " + document.apiVersion() + " " + document.kind()
                    + " (a typo in apiVersion or kind?)");
            return problems;
        }
        for (String path : unknownFields(model)) {
            problems.add(document + ": unknown field " + path);
        }
        for (String path : droppedFields(document.tree(), model)) {
            problems.add(document + ": field not in the schema " + path);
        }
        if (model instanceof HasMetadata hasMetadata
                && (hasMetadata.getMetadata() == null || hasMetadata.getMetadata().getName() == null)) {
            problems.add(document + ": metadata.name is missing");
        }
        return problems;
    }

    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found);
        return found;
    }

    /** Fields (as paths) that the document sets and the typed model does not write back out. */
    static List<String> droppedFields(JsonNode original, Object model) {
        JsonNode roundTrip = SERIALIZATION.convertValue(model, JsonNode.class);
        List<String> dropped = new ArrayList<>();
        compare(original, roundTrip, "", dropped);
        return dropped;
    }

    private static void compare(JsonNode original, JsonNode roundTrip, String path, List<String> dropped) {
        if (FREE_FORM_SUFFIXES.stream().anyMatch(path::endsWith) || isEmpty(original)) {
            return;
        }
        if (roundTrip == null || roundTrip.isMissingNode() || roundTrip.isNull()) {
            dropped.add(path);
            return;
        }
        if (original.isObject()) {
            original.fields().forEachRemaining(e -> {
                compare(e.getValue(), roundTrip.get(e.getKey()), path + "." + e.getKey(), dropped);
            });
        } else if (original.isArray()) {
            for (int i = 0; i < original.size(); i++) {
                compare(original.get(i), roundTrip.get(i), path + "[" + i + "]", dropped);
            }
        }
    }

    private static boolean isEmpty(JsonNode node) {
        return node.isNull() || (node.isContainerNode() && node.isEmpty());
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null || FREE_FORM_SUFFIXES.stream().anyMatch(path::endsWith)) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                walk(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        List<Method> getters = List.of(value.getClass().getMethods()).stream()
                .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getName().startsWith("get") && !m.getName().equals("getClass"))
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        for (Method getter : getters) {
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> found.add(path + "." + key));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            walk(child, path + "." + field, found);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
