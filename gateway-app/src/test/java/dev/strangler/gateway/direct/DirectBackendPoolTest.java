package dev.strangler.gateway.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.strangler.gateway.GatewayApplication;
import dev.strangler.gateway.support.CannedBackend;
import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.RawResponse;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.resources.LoopResources;

/**
 * The direct path's backend pool keeps Spring Cloud Gateway's {@code httpclient.pool.*} limits: a fixed pool of
 * max-connections per backend, split over the event loops (here one per loop), requests past it waiting first come
 * first served, a 503 problem+json when none frees within the acquire timeout, and Reactor Netty's pool gauges.
 */
class DirectBackendPoolTest {

    /** The public port's event loops: Reactor Netty's worker count, which the gateway's limit is split over. */
    static final int LOOPS = LoopResources.DEFAULT_IO_WORKER_COUNT;
    static final GatewayFixture fixture = new GatewayFixture();
    /** Answers each request after a short pause, so that requests overlap. */
    static final CountingBackend quick = new CountingBackend();
    /** Answers once the test opens its gate. */
    static final CountingBackend held = new CountingBackend();
    /** The same, for the gateway without the direct path. */
    static final CountingBackend heldOnChain = new CountingBackend();
    /** Answers 503 to the first request for each path, and holds the second at its gate: a retry waits there. */
    static final CountingBackend failsOnceThenHolds = new CountingBackend();
    /** Answers 503 to every request. */
    static final CountingBackend failing = new CountingBackend();
    /** Holds at its gate every request the fallback sends it. */
    static final CountingBackend heldFallback = new CountingBackend();
    /** Holds at its gate the requests of two routes, one with a timeout shorter than the acquire timeout. */
    static final CountingBackend queued = new CountingBackend();
    static ConfigurableApplicationContext gateway;
    static ConfigurableApplicationContext chain;
    static int port;

    @BeforeAll
    static void start() {
        held.gate = new CountDownLatch(1);
        heldOnChain.gate = new CountDownLatch(1);
        failsOnceThenHolds.gate = new CountDownLatch(1);
        failsOnceThenHolds.failFirstPerPath = true;
        failing.status = "503 Service Unavailable";
        heldFallback.gate = new CountDownLatch(1);
        queued.gate = new CountDownLatch(1);
        fixture.routes.write(fixture.header().replace("defaultBackend:",
                "  quick: { url: \"" + quick.url() + "\" }\n"
                        + "  held: { url: \"" + held.url() + "\" }\n"
                        + "  held-chain: { url: \"" + heldOnChain.url() + "\" }\n"
                        + "  fails-once: { url: \"" + failsOnceThenHolds.url() + "\" }\n"
                        + "  failing: { url: \"" + failing.url() + "\" }\n"
                        + "  held-fallback: { url: \"" + heldFallback.url() + "\" }\n"
                        + "  queued: { url: \"" + queued.url() + "\" }\n"
                        + "  queued-too: { url: \"" + queued.url() + "\" }\ndefaultBackend:") + """
                routes:
                  - id: quick
                    paths: [/quick/**]
                    backend: quick
                    stage: migrated
                  - id: held
                    paths: [/held/**]
                    backend: held
                    stage: migrated
                  - id: held-on-chain
                    paths: [/held-on-chain/**]
                    backend: held-chain
                    stage: migrated
                  - id: retried
                    paths: [/retried/**]
                    backend: fails-once
                    stage: migrated
                    retries: 1
                  - id: fallen-back
                    paths: [/fallen-back/**]
                    backend: failing
                    stage: migrated
                    fallback: held-fallback
                  - id: queued
                    paths: [/queued/**]
                    backend: queued
                    stage: migrated
                  - id: queued-with-timeout
                    paths: [/queued-with-timeout/**]
                    backend: queued-too
                    stage: migrated
                    timeout: 300ms
                """);
        gateway = gateway(true);
        chain = gateway(false);
        port = port(gateway);
    }

    static ConfigurableApplicationContext gateway(boolean directPath) {
        return new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0", "--management.server.port=0",
                "--strangler.routes-file=" + fixture.routes.path(), "--strangler.direct-path=" + directPath,
                "--spring.cloud.gateway.server.webflux.httpclient.pool.type=fixed",
                "--spring.cloud.gateway.server.webflux.httpclient.pool.max-connections=" + LOOPS,
                "--spring.cloud.gateway.server.webflux.httpclient.pool.acquire-timeout=1500",
                "--spring.cloud.gateway.server.webflux.httpclient.pool.metrics=true");
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        for (CountingBackend backend : List.of(held, heldOnChain, failsOnceThenHolds, heldFallback, queued)) {
            backend.gate.countDown();
        }
        // The applications stay up until the JVM exits: closing any of them stops Reactor Netty's global event loops,
        // which the shared gateways of support/Gateways, used by classes run later in this JVM, serve on.
        for (CountingBackend backend : List.of(quick, held, heldOnChain, failsOnceThenHolds, failing, heldFallback, queued)) {
            backend.close();
        }
        fixture.legacy.close();
        fixture.orders.close();
    }

    @Test
    void concurrentRequestsNeverOpenMoreConnectionsThanTheLimitAndWaitingOnesAreServedWhenOneFrees() throws Exception {
        int requests = 3 * LOOPS;
        List<RawResponse> responses = concurrently(requests, "/quick/");

        assertThat(responses).extracting(RawResponse::status).containsOnly(200);
        assertThat(responses).extracting(RawResponse::body).containsOnly("ok");
        assertThat(quick.maxOpen.get()).as("backend connections open at once").isLessThanOrEqualTo(LOOPS);
        assertThat(quick.accepted.get()).as("backend connections ever opened, all reused").isLessThanOrEqualTo(LOOPS);
        assertThat(quick.served.get()).isEqualTo(requests);
    }

    @Test
    void aRequestWaitingPastTheAcquireTimeoutGets503ProblemJsonAndTheGaugesShowThePool() throws Exception {
        // One more request than the gateway may hold connections: some loop has two of them, and one waits.
        int requests = LOOPS + 1;
        String address = "127.0.0.1:" + held.port();
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<Future<RawResponse>> answers = submit(clients, port, requests, "/held/");
            // The gauges appear with the first request to the backend.
            awaitTrue(() -> registered("pending.connections", address) && held.waiting.get() + gauge("pending.connections", address) == requests);
            int pending = (int) gauge("pending.connections", address);

            assertThat(pending).isPositive();
            assertThat(gauge("active.connections", address)).isEqualTo(held.waiting.get());
            assertThat(gauge("total.connections", address)).isEqualTo(held.accepted.get()).isLessThanOrEqualTo(LOOPS);
            assertThat(gauge("max.connections", address)).isEqualTo(LOOPS);

            // The waiting ones end after the acquire timeout, while the backend still holds the others.
            awaitTrue(() -> answers.stream().filter(Future::isDone).count() == pending);
            List<RawResponse> refused = new ArrayList<>();
            for (Future<RawResponse> answer : answers) {
                if (answer.isDone()) {
                    refused.add(answer.get());
                }
            }
            refused.forEach(DirectBackendPoolTest::assertPoolExhausted);
            assertThat(gauge("pending.connections", address)).isZero();
            assertThat(held.served.get()).as("nothing answered yet").isZero();
            assertThat(held.accepted.get()).as("the refused requests never reached the backend").isEqualTo(requests - pending);

            held.gate.countDown();
            for (Future<RawResponse> answer : answers) {
                assertThat(answer.get(20, TimeUnit.SECONDS).status()).isIn(200, 503);
            }
            assertThat(held.served.get()).isEqualTo(requests - pending);
            awaitTrue(() -> gauge("active.connections", address) == 0);
            assertThat(gauge("idle.connections", address)).isEqualTo(gauge("total.connections", address)).isEqualTo(held.accepted.get());
        }
        finally {
            clients.shutdownNow();
        }
    }

    @Test
    void springCloudGatewaysPathAnswersItsOwnPoolsAcquireTimeoutTheSame() throws Exception {
        // Reactor Netty's pool holds max-connections for the whole gateway: one request more waits, and only it.
        int requests = LOOPS + 1;
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<Future<RawResponse>> answers = submit(clients, port(chain), requests, "/held-on-chain/");
            awaitTrue(() -> answers.stream().filter(Future::isDone).count() == 1);
            for (Future<RawResponse> answer : answers) {
                if (answer.isDone()) {
                    assertPoolExhausted(answer.get());
                }
            }
            assertThat(heldOnChain.accepted.get()).isEqualTo(LOOPS);
            heldOnChain.gate.countDown();
            for (Future<RawResponse> answer : answers) {
                assertThat(answer.get(20, TimeUnit.SECONDS).status()).isIn(200, 503);
            }
            assertThat(heldOnChain.served.get()).isEqualTo(LOOPS);
        }
        finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aRetryWaitsForAPlaceInThePoolAndNeverOpensMoreConnectionsThanTheLimit() throws Exception {
        // Each request's first try gets 503 and its connection closes; the retry takes the next free place, after any
        // request already waiting on its loop. One loop has two requests: one retry there finds no place in time.
        assertOneRequestTooManyWaitsAndIsRefused("/retried/", failsOnceThenHolds);
        // The request left without a place is either a first try that never got one or a retry: which, the loop's
        // order of its queue and its close decides.
        assertThat(failsOnceThenHolds.failedFirst.get()).as("first tries answered 503").isBetween(LOOPS, LOOPS + 1);
        assertThat(failsOnceThenHolds.served.get()).as("retries answered once the gate opened").isEqualTo(LOOPS);
    }

    @Test
    void aFallbackTakesAPlaceInItsBackendsPoolAndNeverOpensMoreConnectionsThanTheLimit() throws Exception {
        assertOneRequestTooManyWaitsAndIsRefused("/fallen-back/", heldFallback);
        assertThat(failing.served.get()).as("every request tried its route's backend first").isEqualTo(LOOPS + 1);
        assertThat(heldFallback.accepted.get()).as("connections the fallback backend ever got").isEqualTo(LOOPS);
    }

    /**
     * Sends one request more than the gateway may hold connections to {@code heldBackend}, whose gate stays shut: the
     * backend holds as many requests as the limit, never more, and the one left waits and gets 503 pool-exhausted.
     */
    private static void assertOneRequestTooManyWaitsAndIsRefused(String prefix, CountingBackend heldBackend) throws Exception {
        int requests = LOOPS + 1;
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<Future<RawResponse>> answers = submit(clients, port, requests, prefix);
            awaitTrue(() -> answers.stream().filter(Future::isDone).count() == 1);
            for (Future<RawResponse> answer : answers) {
                if (answer.isDone()) {
                    assertPoolExhausted(answer.get());
                }
            }
            assertThat(heldBackend.waiting.get()).as("requests the backend holds, each on a connection of its own").isEqualTo(LOOPS);
            heldBackend.gate.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<RawResponse> answer : answers) {
                statuses.add(answer.get(20, TimeUnit.SECONDS).status());
            }
            assertThat(statuses).containsOnly(200, 503).filteredOn(status -> status == 200).hasSize(LOOPS);
        }
        finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aRequestWhoseExchangeEndsWhileItWaitsLeavesThePoolsQueueAtOnce() throws Exception {
        String address = "127.0.0.1:" + queued.port();
        ExecutorService clients = Executors.newFixedThreadPool(LOOPS + 1);
        try {
            // One held request per event loop (connections go to the loops in turn) fills every loop's place.
            List<Future<RawResponse>> holding = submit(clients, port, LOOPS, "/queued/");
            awaitTrue(() -> queued.waiting.get() == LOOPS);
            // Another route to the same address shares its pool; its timeout ends the exchange while it waits.
            RawResponse timedOut = submit(clients, port, 1, "/queued-with-timeout/").get(0).get(20, TimeUnit.SECONDS);

            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(timedOut.headers().get("content-type")).containsExactly("application/problem+json");
            assertThat(gauge("pending.connections", address)).as("waiting once its answer is out, before the acquire timeout").isZero();
            assertThat(queued.accepted.get()).isEqualTo(LOOPS);

            queued.gate.countDown();
            for (Future<RawResponse> answer : holding) {
                assertThat(answer.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            awaitTrue(() -> gauge("active.connections", address) == 0);
            assertThat(gauge("idle.connections", address)).as("every connection back in the pool, none leased to the gone request")
                    .isEqualTo(gauge("total.connections", address)).isEqualTo(LOOPS);
        }
        finally {
            clients.shutdownNow();
        }
    }

    static void assertPoolExhausted(RawResponse response) {
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.headers().get("content-type")).containsExactly("application/problem+json");
        assertThat(response.headers().get("retry-after")).containsExactly("5");
        assertThat(response.body()).contains("\"type\":\"https://strangler.dev/problems/backend-busy\"").contains("did not reach it");
    }

    /** Each request on its own connection, all sent before any answer is read. */
    static List<RawResponse> concurrently(int requests, String prefix) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<RawResponse> responses = new ArrayList<>();
            for (Future<RawResponse> answer : submit(clients, port, requests, prefix)) {
                responses.add(answer.get(30, TimeUnit.SECONDS));
            }
            return responses;
        }
        finally {
            clients.shutdownNow();
        }
    }

    static List<Future<RawResponse>> submit(ExecutorService clients, int port, int requests, String prefix) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            sockets.add(socket);
        }
        List<Future<RawResponse>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Socket socket = sockets.get(i);
            String path = prefix + i;
            answers.add(clients.submit(() -> {
                try (socket) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return RawResponse.read(socket.getInputStream(), false);
                }
            }));
        }
        return answers;
    }

    static boolean registered(String name, String address) {
        return gateway.getBean(MeterRegistry.class).find("reactor.netty.connection.provider." + name)
                .tags("id", "direct", "name", "proxy", "remote.address", address).gauge() != null;
    }

    static double gauge(String name, String address) {
        return gateway.getBean(MeterRegistry.class).get("reactor.netty.connection.provider." + name)
                .tags("id", "direct", "name", "proxy", "remote.address", address).gauge().value();
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 20 s").isNegative();
            Thread.sleep(10);
        }
    }

    /**
     * A keep-alive backend on a raw socket that counts the connections it accepts and holds open at once, and
     * answers each request after a short pause, or, with a gate, once the gate opens.
     */
    static final class CountingBackend implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        /** Requests read and not yet answered. */
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        volatile CountDownLatch gate;
        /** The status line of every answer. */
        volatile String status = "200 OK";
        /** Whether the first request for each path gets 503 at once, and only a second one waits at the gate. */
        volatile boolean failFirstPerPath;
        private final Set<String> pathsSeen = ConcurrentHashMap.newKeySet();
        /** Requests answered 503 as a first try. */
        final AtomicInteger failedFirst = new AtomicInteger();

        CountingBackend() {
            try {
                server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(this::accept, "counting-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + port();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    Thread connection = new Thread(() -> serve(socket), "counting-backend-connection");
                    connection.setDaemon(true);
                    connection.start();
                }
                catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                String head;
                while ((head = CannedBackend.readHead(in)) != null) {
                    if (failFirstPerPath && pathsSeen.add(head.substring(0, head.indexOf("\r\n")))) {
                        failedFirst.incrementAndGet();
                        answer(out, "503 Service Unavailable");
                        continue;
                    }
                    waiting.incrementAndGet();
                    CountDownLatch latch = gate;
                    if (latch != null) {
                        latch.await();
                    }
                    else {
                        Thread.sleep(20);
                    }
                    waiting.decrementAndGet();
                    served.incrementAndGet();
                    answer(out, status);
                }
            }
            catch (IOException e) {
                // The gateway closed the connection.
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finally {
                open.decrementAndGet();
            }
        }

        private static void answer(OutputStream out, String status) throws IOException {
            out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() {
            try {
                server.close();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
