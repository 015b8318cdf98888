package dev.strangler.legacy.web.shutdown;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.strangler.legacy.support.Http;
import dev.strangler.legacy.support.RunningMonolith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once shutdown has begun, a client gets 503 problem+json with {@code Retry-After} for every request the server did
 * not process: the ones the gate refuses, and the ones Tomcat rejects before any servlet runs, which otherwise keep
 * their 4xx and would not be sent again.
 */
class ShutdownAnswersTest {

    /** A path Tomcat itself rejects (an encoded slash), before the request reaches any filter of the application. */
    private static final String REJECTED_BY_TOMCAT = "/api/orders/1%2F2";

    @TempDir
    Path dataDir;

    @Test
    void onceShutdownHasBegunEveryUnprocessedRequestGets503WithRetryAfter() {
        try (RunningMonolith monolith = RunningMonolith.start(dataDir)) {
            HttpResponse<String> running = monolith.http().get(REJECTED_BY_TOMCAT);
            assertThat(running.statusCode()).isEqualTo(400);
            assertThat(running.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(running.headers().firstValue("Retry-After")).isEmpty();

            ShutdownGate gate = monolith.context().getBean(ShutdownGate.class);
            gate.stop();
            try {
                assertShuttingDown(monolith.http().get(REJECTED_BY_TOMCAT));
                assertShuttingDown(monolith.http().postJson("/api/orders",
                        "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}"));
            } finally {
                gate.start();
            }
            assertThat(monolith.http().get("/api/orders/1").statusCode()).isEqualTo(200);
        }
    }

    private static void assertShuttingDown(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Http.json(response.body()).path("type").asText()).isEqualTo("urn:strangler:problem:shutting-down");
        assertThat(Http.json(response.body()).path("status").asInt()).isEqualTo(503);
    }
}
