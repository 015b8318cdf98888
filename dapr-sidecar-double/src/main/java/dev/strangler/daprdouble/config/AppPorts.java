package dev.strangler.daprdouble.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each app listens. A test often learns its app's port only after the app started, and the app needs the
 * sidecar's ports to start, so an app may be registered with port 0 and given its port later.
 */
public final class AppPorts {

    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    public AppPorts(List<AppSpec> apps) {
        apps.forEach(app -> ports.put(app.appId(), app.appPort()));
    }

    /** The app's port, or empty when the app-id is unknown or its port is not known yet. */
    public OptionalInt port(String appId) {
        Integer port = ports.get(appId);
        return port == null || port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    public Set<String> appIds() {
        return ports.keySet();
    }

    public boolean knows(String appId) {
        return ports.containsKey(appId);
    }

    public void set(String appId, int port) {
        if (!ports.containsKey(appId)) {
            throw new IllegalArgumentException("unknown app-id '" + appId + "'; known: " + ports.keySet());
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("app port must be 1-65535, got " + port);
        }
        ports.put(appId, port);
    }
}
