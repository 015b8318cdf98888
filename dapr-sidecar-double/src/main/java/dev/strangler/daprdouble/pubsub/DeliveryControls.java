package dev.strangler.daprdouble.pubsub;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** The test switches that change delivery while the double runs: reordering and injected failures. */
public final class DeliveryControls {

    private volatile ReorderSettings reorder = ReorderSettings.off();
    private final Map<String, DeliveryFault> faults = new ConcurrentHashMap<>();

    public ReorderSettings reorder() {
        return reorder;
    }

    public void reorder(ReorderSettings settings) {
        this.reorder = settings;
    }

    public void fault(String appId, DeliveryFault fault) {
        if (fault == null || fault.probability() == 0) {
            faults.remove(appId);
        } else {
            faults.put(appId, fault);
        }
    }

    public Map<String, DeliveryFault> faults() {
        return Map.copyOf(faults);
    }

    /** Draws whether this attempt fails on purpose. */
    Optional<DeliveryFault.Mode> drawFault(String appId) {
        DeliveryFault fault = faults.get(appId);
        if (fault != null && ThreadLocalRandom.current().nextDouble() < fault.probability()) {
            return Optional.of(fault.mode());
        }
        return Optional.empty();
    }

    public void reset() {
        reorder = ReorderSettings.off();
        faults.clear();
    }
}
