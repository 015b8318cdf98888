package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

/**
 * The test client is on 127.0.0.1, which this context trusts, as the ingress gateway would be; response tags are off,
 * as a team that does not want them in front of users runs it.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "strangler.trusted-proxies=127.0.0.0/8", "strangler.response-tags=false" })
class TrustedProxyTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: to-down
                    paths: [/down/**]
                    backend: down
                    stage: migrated
                    fallback: legacy
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

    @Test
    void trustedProxyForwardedHeadersAreKeptAndAppendedTo() {
        var response = Http.get("http://127.0.0.1:" + port + "/x", "X-Forwarded-For", "203.0.113.7",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "shop.example.com");
        assertThat(Http.echoedHeaders(response))
                .containsEntry("x-forwarded-for", "203.0.113.7, 127.0.0.1")
                .containsEntry("x-forwarded-proto", "https")
                .containsEntry("x-forwarded-host", "shop.example.com");
    }

    @Test
    void responseTagsCanBeTurnedOff() {
        var response = Http.get("http://127.0.0.1:" + port + "/x");
        assertThat(response.headers().firstValue("X-Strangler-Route")).isEmpty();
        assertThat(response.headers().firstValue("X-Strangler-Backend")).isEmpty();
        assertThat(Http.json(response)).containsEntry("backend", "legacy");
    }

    @Test
    void aFallbackIsCountedAsOneWhenResponseTagsAreOff() {
        var response = Http.get("http://127.0.0.1:" + port + "/down/orders/1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response)).containsEntry("backend", "legacy");
        assertThat(response.headers().firstValue("X-Strangler-Fallback")).isEmpty();
        String metrics = Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body();
        assertThat(metrics)
                .containsPattern("strangler_requests_seconds_count\\{backend=\"legacy\",outcome=\"FALLBACK\",route=\"to-down\",stage=\"migrated\"} [1-9]")
                .doesNotContainPattern("strangler_requests_seconds_count\\{backend=\"legacy\",outcome=\"SUCCESS\",route=\"to-down\"");
    }
}
