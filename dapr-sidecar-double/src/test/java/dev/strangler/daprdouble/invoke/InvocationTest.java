package dev.strangler.daprdouble.invoke;

import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.support.FakeApp;
import dev.strangler.daprdouble.support.Sidecars;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprHttp;
import io.dapr.client.domain.ComponentMetadata;
import io.dapr.client.domain.DaprMetadata;
import io.dapr.client.domain.HttpExtension;
import io.dapr.exceptions.DaprException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Service invocation from one app-id to another through the double's HTTP API. */
class InvocationTest {

    private FakeApp monolith;
    private DaprSidecarDouble dapr;
    private DaprClient client;

    @BeforeEach
    void start() {
        monolith = FakeApp.started();
        dapr = Sidecars.builder().app("legacy-monolith", monolith.port()).app("orders-service", 1).start();
        client = Sidecars.client(dapr, "orders-service");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        dapr.close();
        monolith.close();
    }

    @Test
    void sidecarIsReadyForTheSdk() {
        client.waitForSidecar(5000).block();
    }

    @Test
    void metadataDescribesTheSidecar() {
        DaprMetadata metadata = client.getMetadata().block();

        assertThat(metadata.getId()).isEqualTo("orders-service");
        assertThat(metadata.getRuntimeVersion()).contains("sidecar-double");
        assertThat(metadata.getComponents()).extracting(ComponentMetadata::getName)
                .containsExactlyInAnyOrder("statestore", "indexstore", "pubsub");
    }

    @Test
    void invocationPassesVerbPathQueryHeadersAndBody() {
        HttpExtension post = new HttpExtension(DaprHttp.HttpMethods.POST,
                Map.of("afterId", List.of("41"), "size", List.of("2")), Map.of("X-Test", "yes"));

        Map<?, ?> echo = client.invokeMethod("legacy-monolith", "echo/api/orders", Map.of("total", 12.5),
                post, Map.class).block();

        assertThat(echo.get("method")).isEqualTo("POST");
        assertThat(echo.get("path")).isEqualTo("/echo/api/orders");
        assertThat((String) echo.get("query")).contains("afterId=41").contains("size=2");
        assertThat(echo.get("body")).isEqualTo("{\"total\":12.5}");
        assertThat(echo.get("testHeader")).isEqualTo("yes");
        assertThat(echo.get("caller")).isEqualTo("orders-service");
    }

    @Test
    void getInvocationReturnsTheAppsAnswer() {
        Map<?, ?> echo = client.invokeMethod("legacy-monolith", "echo/api/orders/17", null, HttpExtension.GET, Map.class).block();

        assertThat(echo.get("method")).isEqualTo("GET");
        assertThat(echo.get("path")).isEqualTo("/echo/api/orders/17");
    }

    @Test
    void appStatusAndHeadersComeBackUnchanged() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + dapr.httpPort("orders-service") + "/v1.0/invoke/legacy-monolith/method/echo/created?x=1"))
                .PUT(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Echoed")).contains("yes");
        assertThat(response.body()).contains("\"method\":\"PUT\"").contains("\"query\":\"x=1\"").contains("\"body\":\"payload\"");
    }

    @Test
    void notFoundFromTheAppIsAnErrorForTheCaller() {
        assertThatThrownBy(() -> client.invokeMethod("legacy-monolith", "missing", null, HttpExtension.GET, Map.class).block())
                .isInstanceOf(DaprException.class)
                .satisfies(e -> assertThat(((DaprException) e).getHttpStatusCode()).isEqualTo(404));
    }

    @Test
    void unknownAppIdFailsLikeDaprd() {
        assertThatThrownBy(() -> client.invokeMethod("nobody", "x", null, HttpExtension.GET, Map.class).block())
                .isInstanceOf(DaprException.class)
                .hasMessageContaining("ERR_DIRECT_INVOKE");
    }

    @Test
    void unreachableAppFailsWithDirectInvokeError() {
        monolith.stop();

        assertThatThrownBy(() -> client.invokeMethod("legacy-monolith", "echo", null, HttpExtension.GET, Map.class).block())
                .isInstanceOf(DaprException.class)
                .hasMessageContaining("ERR_DIRECT_INVOKE");
    }

    /** pkg/api/http/directmessaging.go: with a retry policy for the target app, an answer outside 200-399 is retried. */
    @Test
    void theTargetAppsRetryPolicyRetriesAFailedAnswer() throws Exception {
        monolith.responder((route, event, attempt) -> attempt == 1 ? new FakeApp.Answer(503, "{}") : new FakeApp.Answer(200, "{\"ok\":true}"));

        assertThat(invokePost(dapr, "/v1.0/invoke/legacy-monolith/method/flaky").statusCode()).isEqualTo(200);
        assertThat(monolith.received("/flaky")).hasSize(2);
    }

    @Test
    void withoutAPolicyTheCallerGetsTheFirstFailedAnswer() throws Exception {
        try (DaprSidecarDouble plain = DaprSidecarDouble.builder().resourcesPath(Sidecars.resources("no-resiliency", null))
                .app("orders-service", 1).app("legacy-monolith", monolith.port()).start()) {
            monolith.responder((route, event, attempt) -> attempt == 1 ? new FakeApp.Answer(503, "{}") : new FakeApp.Answer(200, "{}"));

            assertThat(invokePost(plain, "/v1.0/invoke/legacy-monolith/method/once").statusCode()).isEqualTo(503);
            assertThat(monolith.received("/once")).hasSize(1);
        }
    }

    private static HttpResponse<String> invokePost(DaprSidecarDouble sidecar, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort("orders-service") + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
