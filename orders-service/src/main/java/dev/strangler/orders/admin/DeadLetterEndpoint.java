package dev.strangler.orders.admin;

import java.util.List;

import dev.strangler.orders.sync.DeadLetters;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/deadletters} lists parked sync events (from both dead-letter topics);
 * {@code POST /actuator/deadletters} replays them on their original topics.
 */
@Component
@Endpoint(id = "deadletters")
class DeadLetterEndpoint {

    private final DeadLetters deadLetters;

    DeadLetterEndpoint(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @ReadOperation
    List<DeadLetters.Parked> parked() {
        return deadLetters.parked();
    }

    @WriteOperation
    DeadLetters.ReplayResult replay() {
        return deadLetters.replay();
    }
}
