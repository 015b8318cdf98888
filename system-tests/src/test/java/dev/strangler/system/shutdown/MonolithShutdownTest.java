package dev.strangler.system.shutdown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the monolith (SIGTERM, as Kubernetes and the data-loss test do) while concurrent clients create orders
 * on kept-alive connections: every request either completes normally, or is refused at the connection level or with
 * 503 problem+json and {@code Retry-After}; none gets a 500. Every order acknowledged with 201 is there after the
 * restart, and a request that got no answer, sent again with its Idempotency-Key, creates its order at most once.
 * A request the server did not process is never answered 4xx: a client would not send it again.
 */
class MonolithShutdownTest {

    private static final int ROUNDS = 3;
    private static final int WRITERS = 8;
    private static final int ACKNOWLEDGED_BEFORE_STOP = 120;
    private static final int MAX_REQUESTS_PER_WRITER = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one request got: an HTTP answer, or {@code status} 0 with the connection-level failure. */
    private record Outcome(String idempotencyKey, String body, int status, String contentType,
                           Optional<String> retryAfter, String answer) {

        boolean unanswered() {
            return status == 0;
        }
    }

    @Test
    void stoppingUnderConcurrentWritesAnswersNo500AndLosesNoAcknowledgedOrder() throws Exception {
        try (AckingSidecar sidecar = AckingSidecar.start();
             AppProcess monolith = startMonolith("shutdown-legacy-monolith", sidecar)) {
            for (int round = 0; round < ROUNDS; round++) {
                List<Outcome> outcomes = writeWhileStopping(monolith, round);
                monolith.restart();

                List<Outcome> failed = outcomes.stream().filter(o -> o.status() >= 500 && o.status() != 503).toList();
                assertThat(failed).as("round %d: 5xx other than 503 (log %s)", round, monolith.logFile()).isEmpty();
                assertThat(outcomes).filteredOn(o -> o.status() == 503).allSatisfy(o -> {
                    assertThat(o.contentType()).as(o.answer()).startsWith("application/problem+json");
                    assertThat(o.retryAfter()).as(o.answer()).isPresent();
                });
                assertThat(outcomes).filteredOn(o -> o.status() != 0 && o.status() != 201 && o.status() != 503)
                        .as("round %d: answers other than 201 or 503 (log %s)", round, monolith.logFile()).isEmpty();

                for (Outcome acknowledged : outcomes.stream().filter(o -> o.status() == 201).toList()) {
                    long id = JSON.readTree(acknowledged.answer()).get("id").asLong();
                    HttpResponse<String> stored = get(monolith.uri("/api/orders/" + id));
                    assertThat(stored.statusCode()).as("acknowledged order %d after the restart", id).isEqualTo(200);
                    assertThat(stored.body()).isEqualTo(acknowledged.answer());
                }
                HttpClient client = HttpClient.newHttpClient();
                for (Outcome unanswered : outcomes.stream().filter(o -> o.unanswered() || o.status() == 503).toList()) {
                    Outcome again = post(client, monolith.uri("/api/orders"), unanswered.idempotencyKey(), unanswered.body());
                    assertThat(again.status()).as("%s sent again: %s", unanswered.idempotencyKey(), again.answer()).isIn(200, 201);
                }
            }
        }
    }

    /**
     * The outbox publisher is stopped without an interrupt, and only after the web server: an event whose publish is
     * under way when shutdown begins is published and deleted, not abandoned half-way (an interrupted worker used
     * to give it up, and could close the database under the requests still in flight).
     */
    @Test
    void anEventInFlightWhenShutdownBeginsIsPublishedOnceAndNotSentAgainAfterTheRestart() throws Exception {
        try (AckingSidecar sidecar = AckingSidecar.start();
             AppProcess monolith = startMonolith("publish-at-shutdown-legacy-monolith", sidecar)) {
            HttpClient client = HttpClient.newHttpClient();
            sidecar.holdPublishes();
            assertThat(post(client, monolith.uri("/api/orders"), "in-flight-1", "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}")
                    .status()).isEqualTo(201);
            sidecar.awaitHeldPublish(Duration.ofMinutes(1));

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(monolith::stop);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> refuses(monolith.port()));
            sidecar.releasePublishes();
            stopping.get(2, TimeUnit.MINUTES);
            assertThat(sidecar.eventIds()).hasSize(1);
            String inFlight = sidecar.eventIds().get(0);

            monolith.restart();
            assertThat(post(client, monolith.uri("/api/orders"), "in-flight-2", "{\"customerId\":2,\"items\":[{\"productId\":2,\"quantity\":1}]}")
                    .status()).isEqualTo(201);
            // Oldest first: once the new order's event is out, anything left over from before the restart went out before it.
            await().atMost(Duration.ofMinutes(1)).until(() -> sidecar.published() >= 2);
            assertThat(sidecar.eventIds()).as("events received by the sidecar").hasSize(2).startsWith(inFlight)
                    .doesNotHaveDuplicates();
        }
    }

    private static AppProcess startMonolith(String name, AckingSidecar sidecar) {
        return AppProcess.start(AppSpec.of("legacy-monolith-stub").named(name)
                .withArgs("--legacy.data-dir=data")
                .withEnv("DAPR_SIDECAR_IP", "127.0.0.1")
                .withEnv("DAPR_GRPC_PORT", Integer.toString(sidecar.grpcPort()))
                .startTimeout(Duration.ofMinutes(5)));
    }

    private static boolean refuses(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    /** Concurrent writers create orders; once enough were acknowledged, the monolith gets SIGTERM and is waited for. */
    private static List<Outcome> writeWhileStopping(AppProcess monolith, int round) throws Exception {
        CountDownLatch acknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_STOP);
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<Outcome>>> writers = new ArrayList<>();
        URI orders = monolith.uri("/api/orders");
        try {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    // One client per writer: its connection is kept alive from request to request, as a gateway's is.
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build();
                    List<Outcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < MAX_REQUESTS_PER_WRITER && !stopped.get(); i++) {
                        String body = "{\"customerId\":%d,\"items\":[{\"productId\":%d,\"quantity\":%d}]}"
                                .formatted(i % 6 + 1, (i + writer) % 12 + 1, i % 4 + 1);
                        Outcome outcome = post(client, orders, "shutdown-%d-%d-%d".formatted(round, writer, i), body);
                        outcomes.add(outcome);
                        if (outcome.status() == 201) {
                            acknowledged.countDown();
                        }
                    }
                    return outcomes;
                }));
            }
            assertThat(acknowledged.await(3, TimeUnit.MINUTES)).as("orders acknowledged before the stop").isTrue();
            monolith.stop();
            stopped.set(true);
            List<Outcome> all = new ArrayList<>();
            for (Future<List<Outcome>> writer : writers) {
                all.addAll(writer.get(2, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome post(HttpClient client, URI uri, String idempotencyKey, String body) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(idempotencyKey, body, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After"), response.body());
        } catch (IOException refusedOrCutOff) {
            return new Outcome(idempotencyKey, body, 0, "", Optional.empty(), refusedOrCutOff.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
