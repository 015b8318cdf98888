package dev.strangler.gateway.observe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the public port's direct path serves requests, and if not, why; decided once at start and shown in
 * {@code /actuator/migration}, so that a setting the direct path cannot honour is never ignored in silence.
 *
 * @param reason null when enabled
 */
public record DirectPathStatus(boolean enabled, String reason) {

    public static final DirectPathStatus ENABLED = new DirectPathStatus(true, null);

    public static DirectPathStatus off(String reason) {
        return new DirectPathStatus(false, reason);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        if (!enabled) {
            m.put("reason", reason);
        }
        return m;
    }
}
