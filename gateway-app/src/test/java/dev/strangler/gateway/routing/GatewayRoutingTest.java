package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.WeightCalculatorWebFilter;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;

import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.Http;
import dev.strangler.gateway.support.ProxyRoutes;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;

/**
 * Routing, errors, hidden paths and the management endpoints of a gateway on its default proxy path, on the shared
 * table of the behaviour suite ({@link ProxyRoutes}), whose gateway it shares.
 */
class GatewayRoutingTest {

    static int port;
    static int managementPort;
    static ApplicationContext context;

    @BeforeAll
    static void start() {
        Gateways.Gateway gateway = ProxyRoutes.gateway(true);
        port = gateway.port();
        managementPort = gateway.managementPort();
        context = gateway.context();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void unmatchedRequestGoesToDefaultBackendAndIsTagged() {
        HttpResponse<String> response = Http.get(url("/products?page=2"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response)).containsEntry("backend", "legacy").containsEntry("uri", "/products?page=2");
        assertThat(response.headers().firstValue("X-Strangler-Route")).hasValue("default");
        assertThat(response.headers().firstValue("X-Strangler-Backend")).hasValue("legacy");
    }

    @Test
    void migratedRouteGoesToItsBackendWithThePathRewritten() {
        HttpResponse<String> response = Http.get(url("/api/orders/42?expand=items"));
        assertThat(Http.json(response)).containsEntry("backend", "orders").containsEntry("uri", "/orders/42?expand=items");
        assertThat(response.headers().firstValue("X-Strangler-Route")).hasValue("orders-api");
        assertThat(response.headers().firstValue("X-Strangler-Backend")).hasValue("orders");
    }

    @Test
    void moreSpecificLegacyRouteWinsOverMigratedCatchAllAndKeepsTheMonolithsPath() {
        HttpResponse<String> response = Http.get(url("/api/orders/report"));
        assertThat(Http.json(response)).containsEntry("backend", "legacy").containsEntry("uri", "/api/orders/report");
        assertThat(response.headers().firstValue("X-Strangler-Route")).hasValue("orders-report");
    }

    @Test
    void methodRestrictedRouteServesOnlyItsMethods() {
        assertThat(Http.json(Http.get(url("/api/customers/7")))).containsEntry("backend", "orders");
        HttpResponse<String> post = Http.post(url("/api/customers/7"), "{}", "Content-Type", "application/json");
        assertThat(Http.json(post)).containsEntry("backend", "legacy").containsEntry("body", "{}");
        assertThat(post.headers().firstValue("X-Strangler-Route")).hasValue("default");
    }

    @Test
    void backendSlowerThanTheRouteTimeoutGives504ProblemJson() {
        HttpResponse<String> response = Http.get(url("/timeout/x?sleepMs=2000"));
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(response)).containsEntry("status", 504).containsKeys("type", "title", "detail");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    void refusedConnectionGives503WithRetryAfter() {
        HttpResponse<String> response = Http.post(url("/down/orders"), "{}", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(response)).containsEntry("status", 503);
        assertThat(response.body()).doesNotContain("Exception");
    }

    @Test
    void spoofedStranglerHeadersNeverReachABackendAndBackendTagsAreReplaced() {
        HttpResponse<String> response = Http.get(url("/api/orders"), "X-Strangler-Shadow", "true",
                "x-strangler-route", "evil", "X-Other", "kept");
        var seen = Http.echoedHeaders(response);
        assertThat(seen).doesNotContainKeys("x-strangler-shadow", "x-strangler-route").containsEntry("x-other", "kept");
        assertThat(response.headers().allValues("X-Strangler-Route")).containsExactly("orders-api");
    }

    @Test
    void forwardedHeadersFromAnUntrustedCallerAreReplacedNotBelieved() {
        HttpResponse<String> response = Http.get(url("/anything"), "X-Forwarded-For", "6.6.6.6",
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https");
        var seen = Http.echoedHeaders(response);
        assertThat(seen).containsEntry("x-forwarded-for", "127.0.0.1")
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("x-forwarded-host", "127.0.0.1:" + port);
    }

    @Test
    void hopByHopHeadersAreNotForwarded() {
        String response = Http.raw(port, "GET", "/anything", "Keep-Alive: timeout=5", "Proxy-Authorization: Basic eA==",
                "TE: trailers", "X-Kept: yes");
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"x-kept\":\"yes\"")
                .doesNotContain("proxy-authorization").doesNotContain("keep-alive").doesNotContain("\"te\"");
    }

    @Test
    void actuatorAndInternalApisAreNotReachableOnThePublicPort() {
        int legacyRequestsBefore = ProxyRoutes.LEGACY.requests();
        for (String path : new String[] { "/actuator", "/actuator/health", "/actuator/migration", "/actuator/prometheus",
                "/api/../actuator/health", "//actuator/env", "/%61ctuator/env", "/internal/sync/orders?afterId=0",
                "/internal;x=1/sync" }) {
            HttpResponse<String> response = Http.get(url(path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(ProxyRoutes.LEGACY.requests()).as("not proxied to the monolith's actuator or internal API either")
                .isEqualTo(legacyRequestsBefore);
        assertThat(Http.get(url("/internals")).statusCode()).as("only whole segments are hidden").isEqualTo(200);
    }

    @Test
    void migrationEndpointShowsTheActiveTable() {
        HttpResponse<String> response = Http.get("http://127.0.0.1:" + managementPort + "/actuator/migration");
        assertThat(response.statusCode()).isEqualTo(200);
        var body = Http.json(response);
        assertThat(body).containsKeys("source", "contentHash", "loadedAt").containsEntry("lastReloadError", null);
        assertThat(body.get("source").toString()).endsWith("routes.yaml");
        assertThat(response.body()).contains("\"id\":\"orders-api\"", "\"stage\":\"migrated\"", "\"backend\":\"orders\"",
                "\"/api/orders/**\"");
    }

    @Test
    void healthHasLivenessAndReadinessGroupsAndTheTableHashIsAMetric() {
        String base = "http://127.0.0.1:" + managementPort + "/actuator/";
        assertThat(Http.get(base + "health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(Http.get(base + "health/readiness").body()).contains("\"status\":\"UP\"");
        String hash = Http.json(Http.get(base + "migration")).get("contentHash").toString();
        assertThat(Http.get(base + "prometheus").body()).contains("strangler_routes_table{hash=\"" + hash + "\"} " + ProxyRoutes.ROUTES + ".0");
    }

    @Test
    void routeInfoMetricNamesEachRoutesLegacyAndNewBackendAndStage() {
        String metrics = Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body();
        assertThat(metrics).contains(
                "strangler_route_info{backend=\"legacy\",role=\"legacy\",route=\"orders-api\",stage=\"migrated\"} 1",
                "strangler_route_info{backend=\"orders\",role=\"new\",route=\"orders-api\",stage=\"migrated\"} 1",
                "strangler_route_info{backend=\"orders\",role=\"new\",route=\"orders-report\",stage=\"legacy\"} 1",
                "strangler_route_info{backend=\"legacy\",role=\"legacy\",route=\"default\",stage=\"legacy\"} 1");
        assertThat(metrics.lines().filter(l -> l.startsWith("strangler_route_info{") && l.contains("route=\"default\"")))
                .as("the default route has a legacy backend only").singleElement().asString().contains("role=\"legacy\"");
    }

    /*
     * Work that application.yml keeps off every proxied request (bench/ measured it): Spring Cloud Gateway's URL and
     * weight filters, Logback's event counter, and WebFlux's other handler mappings ahead of the gateway's.
     */
    @Test
    void filtersWhoseWorkIsThrownAwayAreNotInstalled() {
        assertThat(context.getBeansOfType(RouteToRequestUrlFilter.class)).isEmpty();
        assertThat(context.getBeansOfType(WeightCalculatorWebFilter.class)).isEmpty();
        assertThat(context.getBeansOfType(LogbackMetrics.class)).isEmpty();
    }

    @Test
    void theGatewayMappingRunsFirstOnThePublicPortButAfterTheActuators() {
        RoutePredicateHandlerMapping gateway = context.getBean(RoutePredicateHandlerMapping.class);
        assertThat(context.getBeansOfType(HandlerMapping.class).values())
                .filteredOn(mapping -> mapping != gateway && !mapping.getClass().getName().startsWith("org.springframework.boot.actuate"))
                .isNotEmpty()
                .allSatisfy(other -> assertThat(((Ordered) other).getOrder()).as(other.getClass().getName())
                        .isGreaterThan(gateway.getOrder()));
        assertThat(gateway.getOrder()).as("after the actuator's endpoint mappings (-100)").isGreaterThan(-100);
    }
}
