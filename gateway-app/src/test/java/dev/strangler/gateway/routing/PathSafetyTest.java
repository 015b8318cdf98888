package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

/** Paths are sent on a raw socket, byte for byte, because HTTP clients clean some of them up. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class PathSafetyTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: migrated
                  - id: admin
                    paths: [/admin/**]
                    backend: legacy
                    stage: legacy
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

    @ParameterizedTest
    @CsvSource({
            "/api//orders, /api/orders",
            "/api/./orders, /api/orders",
            "/api/x/../orders, /api/orders",
            "/api/orders/, /api/orders",
            "/api/orders//42/, /api/orders/42",
            "/api/orders;jsessionid=abc/42, /api/orders/42",
            "/api/orders/42?x=%2F, /api/orders/42?x=%2F" })
    void equivalentSpellingsRouteAndForwardAsTheirNormalizedForm(String sent, String forwarded) {
        String response = Http.raw(port, "GET", sent);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response).contains("\"backend\":\"orders\"", "\"uri\":\"" + forwarded + "\"", "X-Strangler-Route: orders-api");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/orders%2F..%2Fadmin", "/api/orders%2f42", "/api%5Corders", "/api/%2e%2e/admin",
            "/api/orders/%2E%2E/%2e%2e/admin", "/api/orders/.%2e/x", "/api/orders%00" })
    void ambiguousEncodingsAreRefusedWith400AndReachNoBackend(String sent) {
        int legacyBefore = fixture.legacy.requests();
        int ordersBefore = fixture.orders.requests();
        String response = Http.raw(port, "GET", sent);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).contains("application/problem+json").doesNotContain("Exception");
        assertThat(fixture.legacy.requests()).isEqualTo(legacyBefore);
        assertThat(fixture.orders.requests()).isEqualTo(ordersBefore);
    }

    @Test
    void malformedPercentEncodingIsRefusedBeforeRouting() {
        int ordersBefore = fixture.orders.requests();
        // The HTTP server refuses a URI it cannot parse before the gateway sees it, so this 400 has no body.
        assertThat(Http.raw(port, "GET", "/api/orders/%zz")).startsWith("HTTP/1.1 400");
        assertThat(fixture.orders.requests()).isEqualTo(ordersBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/orders/..;/..;/admin/users", "/api/orders;x=/../../admin/users" })
    void pathParametersDoNotLetARequestEscapeItsRoute(String sent) {
        String response = Http.raw(port, "GET", sent);
        // Resolved the same way a servlet backend would: the request lands on /admin/users, and the gateway routes it there.
        assertThat(response).contains("X-Strangler-Route: admin", "\"uri\":\"/admin/users\"");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/../../etc/passwd", "/api/../../admin" })
    void dotSegmentsAboveTheRootStayAtTheRoot(String sent) {
        String response = Http.raw(port, "GET", sent);
        assertThat(response).startsWith("HTTP/1.1 200").doesNotContain("\"uri\":\"/..");
    }
}
