package dev.strangler.daprdouble.persist;

import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.support.FakeApp;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With a data file, a restart of the double loses neither state nor undelivered messages. */
class PersistenceTest {

    private static final String SUBSCRIPTION = "[{\"pubsubname\":\"pubsub\",\"topic\":\"orders\",\"route\":\"/orders\"}]";

    @TempDir
    Path dir;

    @Test
    void restartKeepsStateEtagsAndUndeliveredMessages() throws Exception {
        Path dataFile = dir.resolve("dapr-state.json");
        FakeApp subscriber = FakeApp.started().subscriptions(SUBSCRIPTION)
                .responder((route, event, attempt) -> new FakeApp.Answer(500, "not yet"));
        try (subscriber) {
        Path resources = Sidecars.resources("persistence", Sidecars.resiliency("constant", "50ms", 1000));
        String etag;
            try (DaprSidecarDouble dapr = DaprSidecarDouble.builder().resourcesPath(resources).dataFile(dataFile)
                    .app("orders-service", 1).app("legacy-monolith", subscriber.port()).start();
                 DaprClient client = Sidecars.client(dapr, "orders-service")) {
                client.saveState("statestore", "order-1", Map.of("status", "NEW")).block();
                client.saveState("statestore", "order-1", Map.of("status", "PAID")).block();
                etag = client.getState("statestore", "order-1", Map.class).block().getEtag();
                await().atMost(Duration.ofSeconds(10)).until(() -> !dapr.subscriptions("legacy-monolith").isEmpty());
                client.publishEvent("pubsub", "orders", Map.of("orderId", 1)).block();
                await().atMost(Duration.ofSeconds(10)).until(() -> !subscriber.received("/orders").isEmpty());
            }
            assertThat(Files.readString(dataFile)).as("keys are stored as appId||key").contains("orders-service||order-1");

            subscriber.responder((route, event, attempt) -> FakeApp.Answer.ok());
            int before = subscriber.received("/orders").size();
            try (DaprSidecarDouble dapr = DaprSidecarDouble.builder().resourcesPath(resources).dataFile(dataFile)
                    .app("orders-service", 1).app("legacy-monolith", subscriber.port()).start();
                 DaprClient client = Sidecars.client(dapr, "orders-service")) {
                State<Map> order = client.getState("statestore", "order-1", Map.class).block();
                assertThat(order.getValue()).containsEntry("status", "PAID");
                assertThat(order.getEtag()).isEqualTo(etag);

                await().atMost(Duration.ofSeconds(10)).until(() -> dapr.pendingDeliveries() == 0
                        && subscriber.received("/orders").size() > before);
                assertThat(subscriber.received("/orders").get(before).cloudEvent().path("data").path("orderId").asInt()).isEqualTo(1);
                assertThat(dapr.publishedEvents("orders")).hasSize(1);
            }
        }
    }
}
