package dev.strangler.daprdouble.pubsub;

/** How daprd's HTTP postman (pkg/runtime/subscription/postman/http/http.go) classifies an app's answer. */
public sealed interface DeliveryOutcome {

    String reason();

    /** 2xx with an empty or non-JSON body, no status, or SUCCESS. */
    record Success(String reason) implements DeliveryOutcome {
    }

    /**
     * RETRY, an unknown status, a non-2xx other than 404, or no answer (connection refused, timeout): an error the
     * resiliency policy may retry. {@code status} is the HTTP status, or -1 when the app did not answer.
     */
    record Failure(String reason, int status) implements DeliveryOutcome {
    }

    /** DROP: goes to the dead-letter topic if the subscription has one, else is dropped. Never retried. */
    record Drop(String reason) implements DeliveryOutcome {
    }

    /** 404: logged as non-retriable and acknowledged; neither retried nor dead-lettered. */
    record NotFound(String reason) implements DeliveryOutcome {
    }
}
