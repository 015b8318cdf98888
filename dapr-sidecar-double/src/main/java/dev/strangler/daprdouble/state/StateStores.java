package dev.strangler.daprdouble.state;

import dev.strangler.daprdouble.config.ComponentSpec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The state store components shared by every app-id, the way sidecars share one database. */
public final class StateStores {

    /** daprd's default key prefix strategy: {@code appId||key}. */
    public static final String KEY_SEPARATOR = "||";

    private final Map<String, StateStore> stores = new LinkedHashMap<>();

    public StateStores(List<ComponentSpec> components) {
        components.stream().filter(ComponentSpec::isStateStore)
                .forEach(component -> stores.put(component.name(), new StateStore(component)));
    }

    public Optional<StateStore> find(String name, String appId) {
        return Optional.ofNullable(stores.get(name)).filter(store -> store.component().visibleTo(appId));
    }

    public Optional<StateStore> byName(String name) {
        return Optional.ofNullable(stores.get(name));
    }

    public Collection<StateStore> all() {
        return stores.values();
    }

    public static String storedKey(String appId, String key) {
        return appId + KEY_SEPARATOR + key;
    }
}
