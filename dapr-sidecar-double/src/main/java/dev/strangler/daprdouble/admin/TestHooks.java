package dev.strangler.daprdouble.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.daprdouble.pubsub.DeadLetter;
import dev.strangler.daprdouble.pubsub.DeliveryFault;
import dev.strangler.daprdouble.pubsub.ReorderSettings;

import java.util.List;
import java.util.Map;

/** What tests may inspect and break in a running double, in-process or through the admin HTTP API. */
public interface TestHooks {

    /** CloudEvents published to a topic (any pubsub), oldest first. */
    List<JsonNode> publishedEvents(String topic);

    List<DeadLetter> deadLetters();

    /** Messages not yet acknowledged by their subscriber; 0 means delivery has settled. */
    int pendingDeliveries();

    void reorderDeliveries(ReorderSettings settings);

    /** Probability 0 removes the fault. */
    void failDeliveries(String appId, DeliveryFault fault);

    void stateStoreUnavailable(String storeName, boolean unavailable);

    /** Forgets all state, messages and dead letters, and turns every test switch off. */
    void reset();

    Map<String, Object> status();
}
