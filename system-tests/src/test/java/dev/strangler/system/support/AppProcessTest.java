package dev.strangler.system.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher itself, exercised with the monolith's jar. */
class AppProcessTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startFailureReportsTheExitCodeAndTheTailOfTheLog() {
        AppSpec broken = AppSpec.of("legacy-monolith-stub").named("launcher-broken-monolith")
                .withArgs("--legacy.data-dir=data", "--legacy.home-page-orders=0");

        assertThatThrownBy(() -> AppProcess.start(broken))
                .isInstanceOf(AppStartException.class)
                .hasMessageContaining("launcher-broken-monolith exited with code 1 before it was ready")
                .hasMessageContaining("launcher-broken-monolith.log ends with:")
                .hasMessageContaining("legacy.home-page-orders must be between 1 and 100, got 0");
    }

    @Test
    void restartKeepsThePortAndTheWorkingDirectory() throws Exception {
        try (AppProcess app = AppProcess.start(AppSpec.of("legacy-monolith-stub").named("launcher-restarted-monolith")
                .withArgs("--legacy.data-dir=data"))) {
            int port = app.port();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(app.uri("/api/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":1,\"items\":[{\"productId\":2,\"quantity\":5}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            URI location = app.uri(created.headers().firstValue("Location").orElseThrow());

            app.restart();

            assertThat(app.port()).isEqualTo(port);
            assertThat(app.isAlive()).isTrue();
            HttpResponse<String> read = http.send(HttpRequest.newBuilder(location).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo(created.body());
            assertThat(app.logTail(1000)).as("the log of both runs is kept").contains("Graceful shutdown complete");
        }
    }
}
