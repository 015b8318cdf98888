package dev.strangler.daprdouble.pubsub;

/** How daprd classifies an app's answer to a delivered event. */
public sealed interface DeliveryOutcome {

    String reason();

    /** 2xx with an empty body, no status, or SUCCESS. */
    record Success(String reason) implements DeliveryOutcome {
    }

    /** RETRY, an unknown status, or a non-2xx other than 404: counts as a failed attempt. */
    record Retry(String reason) implements DeliveryOutcome {
    }

    /** DROP or 404: daprd never retries these. */
    record Drop(String reason) implements DeliveryOutcome {
    }

    /** The app could not be reached: delivery waits for it without spending attempts. */
    record Unreachable(String reason) implements DeliveryOutcome {
    }
}
