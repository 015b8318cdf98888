package dev.strangler.daprdouble.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.config.DeliverySettings;
import dev.strangler.daprdouble.support.FakeApp;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.dapr.client.domain.CloudEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery to a real subscriber app on loopback, with daprd's semantics: the answer classification of
 * pkg/runtime/subscription/postman/http/http.go, the retry and dead-letter handling of
 * pkg/runtime/subscription/subscription.go under the Resiliency policy of pkg/resiliency, and subscriptions read
 * once (pkg/runtime/processor/subscriber/subscriber.go).
 */
class DeliveryTest {

    private static final String ORDERS_SUBSCRIPTION = """
            [{"pubsubName":"pubsub","topic":"orders","route":"/events/orders","deadLetterTopic":"orders-dead"},
             {"pubsubName":"pubsub","topic":"orders-dead","route":"/events/orders-dead"}]""";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private DaprSidecarDouble doubleFor(FakeApp subscriber) {
        return track(Sidecars.builder().app("legacy-monolith", subscriber.port()).app("orders-service", 1).start());
    }

    private void publish(DaprSidecarDouble dapr, Object data) {
        try (DaprClient client = Sidecars.client(dapr, "orders-service")) {
            client.publishEvent("pubsub", "orders", data).block();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eventArrivesAsACloudEventOnTheSubscribedRoute() throws Exception {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 42));

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders").size() == 1);
        FakeApp.Received received = app.received("/events/orders").get(0);
        assertThat(received.contentType()).isEqualTo("application/cloudevents+json");
        JsonNode ce = received.cloudEvent();
        assertThat(ce.path("specversion").asText()).isEqualTo("1.0");
        assertThat(ce.path("source").asText()).isEqualTo("orders-service");
        assertThat(ce.path("type").asText()).isEqualTo("com.dapr.event.sent");
        assertThat(ce.path("topic").asText()).isEqualTo("orders");
        assertThat(ce.path("pubsubname").asText()).isEqualTo("pubsub");
        assertThat(ce.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(ce.path("id").asText()).isNotEmpty();
        assertThat(ce.path("data").path("orderId").asInt()).isEqualTo(42);
        CloudEvent<?> parsedBySdk = CloudEvent.deserialize(ce.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(parsedBySdk.getData()).isEqualTo(Map.of("orderId", 42));
        assertThat(parsedBySdk.getTopic()).isEqualTo("orders");
    }

    @Test
    void aSlowSubscriberNeverBlocksThePublisher() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION).responder((route, event, attempt) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeApp.Answer.ok();
        }));
        DaprSidecarDouble dapr = doubleFor(app);
        await().atMost(Duration.ofSeconds(10)).until(() -> !dapr.subscriptions("legacy-monolith").isEmpty());

        IntStream.range(0, 3).forEach(i -> publish(dapr, Map.of("n", i)));

        assertThat(dapr.publishedEvents("orders")).hasSize(3);
        assertThat(dapr.pendingDeliveries()).as("the subscriber still holds the first delivery").isEqualTo(3);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> dapr.pendingDeliveries() == 0);
        assertThat(app.received("/events/orders")).hasSize(3);
    }

    @Test
    void httpPublishEndpointPublishesLikeTheGrpcCall() throws Exception {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + dapr.httpPort("orders-service") + "/v1.0/publish/pubsub/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":5}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders").size() == 1);
        assertThat(app.received("/events/orders").get(0).cloudEvent().path("data").path("orderId").asInt()).isEqualTo(5);
    }

    @Test
    void routesDefaultShapeIsHonoured() {
        FakeApp app = track(FakeApp.started().subscriptions("""
                [{"pubsubname":"pubsub","topic":"orders","routes":{"rules":[],"default":"/by-default"}}]"""));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/by-default").size() == 1);
    }

    @Test
    void failedAnswersAreRetriedUntilSuccess() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION).responder((route, event, attempt) -> switch (attempt) {
            case 1 -> new FakeApp.Answer(500, "{}");
            case 2 -> new FakeApp.Answer(200, "{\"status\":\"RETRY\"}");
            default -> new FakeApp.Answer(204, "");
        }));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> dapr.pendingDeliveries() == 0);
        assertThat(app.received("/events/orders")).hasSize(3);
        assertThat(dapr.deadLetters()).isEmpty();
    }

    @Test
    void dropStatusIsNotRetriedAndGoesToTheDeadLetterTopic() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION)
                .responder((route, event, attempt) -> route.equals("/events/orders")
                        ? new FakeApp.Answer(200, "{\"status\":\"DROP\"}") : FakeApp.Answer.ok()));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders-dead").size() == 1);
        assertThat(app.received("/events/orders")).hasSize(1);
        assertThat(dapr.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("DROP");
            assertThat(d.forwardedTo()).isEqualTo("orders-dead");
        });
    }

    /** postman/http/http.go: a 404 is "non-retriable" and acknowledged; only DROP goes to the dead-letter topic. */
    @Test
    void notFoundIsAcknowledgedAndDroppedNotDeadLettered() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION)
                .responder((route, event, attempt) -> route.equals("/events/orders") ? new FakeApp.Answer(404, "") : FakeApp.Answer.ok()));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> dapr.deadLetters().size() == 1);
        assertThat(app.received("/events/orders")).as("never retried").hasSize(1);
        assertThat(dapr.deadLetters().get(0).forwardedTo()).as("acknowledged, not dead-lettered").isNull();
        assertThat(dapr.deadLetters().get(0).reason()).contains("404");
        assertThat(dapr.pendingDeliveries()).isZero();
        assertThat(app.received("/events/orders-dead")).isEmpty();
    }

    @Test
    void exhaustedRetriesGoToTheDeadLetterTopicUnchanged() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION)
                .responder((route, event, attempt) -> route.equals("/events/orders")
                        ? new FakeApp.Answer(503, "busy") : FakeApp.Answer.ok()));
        DaprSidecarDouble dapr = doubleFor(app);

        publish(dapr, Map.of("orderId", 7));

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders-dead").size() == 1);
        assertThat(app.received("/events/orders")).as("the first try and the policy's 2 retries").hasSize(3);
        JsonNode original = app.received("/events/orders").get(0).cloudEvent();
        JsonNode deadLettered = app.received("/events/orders-dead").get(0).cloudEvent();
        assertThat(deadLettered.path("id")).isEqualTo(original.path("id"));
        assertThat(deadLettered.path("data").path("orderId").asInt()).isEqualTo(7);
        assertThat(dapr.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.reason()).contains("failed after 3 attempt(s)");
        });
    }

    /** pkg/resiliency ComponentInboundPolicy: with no Resiliency resource there are no retries at all. */
    @Test
    void withoutAResiliencyPolicyTheFirstFailureGoesToTheDeadLetterTopic() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION)
                .responder((route, event, attempt) -> route.equals("/events/orders") && attempt == 1
                        ? new FakeApp.Answer(500, "restarting") : FakeApp.Answer.ok()));
        DaprSidecarDouble dapr = track(DaprSidecarDouble.builder().resourcesPath(Sidecars.resources("no-resiliency", null))
                .app("legacy-monolith", app.port()).app("orders-service", 1).start());

        publish(dapr, Map.of("orderId", 3));

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders-dead").size() == 1);
        assertThat(app.received("/events/orders")).as("one try, although the second would have worked").hasSize(1);
        assertThat(dapr.deadLetters()).singleElement().satisfies(d -> assertThat(d.attempts()).isEqualTo(1));
    }

    /** Without app health checks daprd keeps delivering to an app that is down, and each refused try counts. */
    @Test
    void anAppThatRefusesConnectionsSpendsItsRetries() {
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);
        await().atMost(Duration.ofSeconds(10)).until(() -> !dapr.subscriptions("legacy-monolith").isEmpty());
        app.stop();

        publish(dapr, Map.of("orderId", 4));

        await().atMost(Duration.ofSeconds(10)).until(() -> dapr.deadLetters().size() == 1);
        assertThat(dapr.deadLetters().get(0).attempts()).isEqualTo(3);
        assertThat(dapr.deadLetters().get(0).reason()).contains("app channel");
    }

    /** daprd reads GET /dapr/subscribe once, when the app first answers; later changes are not picked up. */
    @Test
    void subscriptionsAreReadOnceWhenTheAppFirstAnswers() throws Exception {
        FakeApp app = track(FakeApp.onFreePort().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);
        Thread.sleep(700);
        app.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !dapr.subscriptions("legacy-monolith").isEmpty());

        app.subscriptions("[{\"pubsubName\":\"pubsub\",\"topic\":\"other\",\"route\":\"/events/other\"}]");
        Thread.sleep(1500);

        assertThat(app.subscribeRequests()).isEqualTo(1);
        assertThat(dapr.subscriptions("legacy-monolith")).extracting(Subscription::topic).containsExactlyInAnyOrder("orders", "orders-dead");
    }

    @Test
    void appStartingAfterTheDoubleGetsEverythingPublishedBefore() {
        FakeApp app = track(FakeApp.onFreePort().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);
        IntStream.range(0, 5).forEach(i -> publish(dapr, Map.of("n", i)));

        app.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders").size() == 5);
        assertThat(app.received("/events/orders")).extracting(r -> r.cloudEvent().path("data").path("n").asInt())
                .containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void appRegisteredBeforeItsPortIsKnownGetsEventsOnceThePortIsGiven() {
        DaprSidecarDouble dapr = track(Sidecars.builder().app("legacy-monolith").app("orders-service", 1).start());
        publish(dapr, Map.of("n", 1));
        FakeApp app = track(FakeApp.started().subscriptions(ORDERS_SUBSCRIPTION));

        dapr.appPort("legacy-monolith", app.port());

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received("/events/orders").size() == 1);
        assertThat(dapr.status().get("apps").toString()).contains("appPort=" + app.port());
    }

    @Test
    void reorderingDeliversEveryEventButNotInPublishOrder() {
        FakeApp app = track(FakeApp.onFreePort().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = doubleFor(app);
        dapr.reorderDeliveries(ReorderSettings.on(20, 50));
        IntStream.range(0, 40).forEach(i -> publish(dapr, Map.of("n", i)));

        app.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received("/events/orders").size() >= 40 && dapr.pendingDeliveries() == 0);
        List<Integer> order = app.received("/events/orders").stream()
                .map(r -> r.cloudEvent().path("data").path("n").asInt()).toList();
        assertThat(new HashSet<>(order)).hasSize(40);
        assertThat(order).isNotEqualTo(IntStream.range(0, 40).boxed().toList());
    }

    @Test
    void injectedFailuresAreRetriedSoEveryEventArrives() {
        FakeApp app = track(FakeApp.onFreePort().subscriptions(ORDERS_SUBSCRIPTION));
        DaprSidecarDouble dapr = track(DaprSidecarDouble.builder()
                .resourcesPath(Sidecars.resources("many-retries", Sidecars.resiliency("constant", "5ms", 50)))
                .delivery(new DeliverySettings(4))
                .app("legacy-monolith", app.port()).app("orders-service", 1).start());
        dapr.failDeliveries("legacy-monolith", new DeliveryFault(0.5, DeliveryFault.Mode.LOSE_ACK));
        IntStream.range(0, 20).forEach(i -> publish(dapr, Map.of("n", i)));

        app.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> new HashSet<>(app.received("/events/orders")).size() >= 20
                && dapr.pendingDeliveries() == 0);
        List<Integer> seen = app.received("/events/orders").stream().map(r -> r.cloudEvent().path("data").path("n").asInt()).toList();
        assertThat(new HashSet<>(seen)).hasSize(20);
        assertThat(seen.size()).as("lost answers make the same event arrive again: at least once").isGreaterThan(20);
        assertThat(dapr.deadLetters()).isEmpty();
    }
}
