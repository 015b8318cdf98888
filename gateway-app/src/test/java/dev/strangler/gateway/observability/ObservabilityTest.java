package dev.strangler.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.opentelemetry.sdk.trace.export.SpanExporter;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

@AutoConfigureObservability
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "management.tracing.sampling.probability=1.0",
        "management.tracing.opentelemetry.export.schedule-delay=100ms" })
class ObservabilityTest {

    static final GatewayFixture fixture = new GatewayFixture();
    static final OtlpReceiver collector = new OtlpReceiver();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders/**]
                    backend: orders
                    stage: migrated
                  - id: to-down
                    paths: [/down/**]
                    backend: down
                    stage: migrated
                    fallback: legacy
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
        registry.add("management.otlp.tracing.endpoint", collector::tracesUrl);
        registry.add("management.otlp.tracing.headers.authorization", () -> "Bearer collector-token");
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
        collector.close();
    }

    @Autowired
    ApplicationContext context;

    @Test
    void w3cTraceparentReachesTheBackend() {
        var headers = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/1"));
        assertThat(headers.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    @Test
    void aCallersTraceContinuesWhetherItCameAsW3cOrB3AndBaggagePassesAsSent() {
        var w3c = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/1",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "baggage", "tenant=acme,plan=gold"));
        assertThat(w3c.get("traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c-").endsWith("-01")
                .doesNotContain("b7ad6b7169203331");
        assertThat(w3c.get("baggage")).isEqualTo("tenant=acme,plan=gold");

        // As Istio's sidecars send it.
        var b3 = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/1",
                "X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1"));
        assertThat(b3.get("traceparent")).startsWith("00-463ac35c9f6413ad48485a3953bb6124-").endsWith("-01");
    }

    /** TraceExportConfiguration: the OTLP endpoint is read at start, not by a bean condition fixed at build time. */
    @Test
    void theSpanOfAProxiedRequestIsPostedToTheOtlpEndpointWithTheConfiguredHeaders() throws InterruptedException {
        String traceparent = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/5")).get("traceparent");
        byte[] traceId = HexFormat.of().parseHex(traceparent.split("-")[1]);

        OtlpReceiver.Export found = collector.awaitExportContaining(traceId);
        assertThat(found).as("an OTLP export carrying trace %s", traceparent).isNotNull();
        assertThat(found.contentType()).isEqualTo("application/x-protobuf");
        assertThat(found.authorization()).isEqualTo("Bearer collector-token");
    }

    @Test
    void spansHaveOneExporterSoNoneIsSentTwice() {
        assertThat(context.getBeansOfType(SpanExporter.class)).containsOnlyKeys("otlpSpanExporter");
    }

    @Test
    void requestsAndFallbacksAreMetricsTaggedWithRouteBackendStageAndOutcome() {
        Http.get("http://127.0.0.1:" + port + "/api/orders/1");
        Http.get("http://127.0.0.1:" + port + "/down/1");
        String metrics = Http.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body();
        assertThat(metrics).containsPattern("strangler_requests_seconds_count\\{backend=\"orders\",outcome=\"SUCCESS\",route=\"orders-api\",stage=\"migrated\"} [1-9]");
        assertThat(metrics).containsPattern("strangler_requests_seconds_count\\{backend=\"legacy\",outcome=\"FALLBACK\",route=\"to-down\",stage=\"migrated\"} [1-9]");
        assertThat(metrics).contains("strangler_requests_seconds_bucket{");
        assertThat(metrics).as("requests are timed once, by strangler.requests").doesNotContain("spring_cloud_gateway_requests");
        assertThat(metrics).containsPattern("strangler_fallbacks_total\\{from=\"down\",reason=\"refused\",route=\"to-down\",to=\"legacy\"} [1-9]");
    }

    @Test
    void accessLogLineCarriesRouteBackendStatusLatencyAndTraceId(CapturedOutput output) throws InterruptedException {
        String traceparent = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/77")).get("traceparent");
        String traceId = traceparent.split("-")[1];
        // The access log is written in batches, at most 100 ms after the request.
        for (int i = 0; i < 50 && !output.getOut().contains("path=/api/orders/77 "); i++) {
            Thread.sleep(100);
        }
        assertThat(output.getOut()).containsPattern("event=request route=orders-api backend=orders stage=migrated method=GET "
                + "path=/api/orders/77 status=200 latencyMs=[0-9.]+ traceId=" + traceId);
    }

    @Test
    void migrationEndpointShowsLiveShareAndFallbacksPerRoute() {
        for (int i = 0; i < 3; i++) {
            Http.get("http://127.0.0.1:" + port + "/down/" + i);
        }
        String body = Http.get("http://127.0.0.1:" + managementPort + "/actuator/migration").body();
        assertThat(body).contains("\"id\":\"to-down\"");
        assertThat(body).containsPattern("\"id\":\"to-down\".*?\"live\":\\{\"requestsLastMinute\":[1-9]\\d*,\"sharePercentByBackend\":\\{\"legacy\":100.0}");
        assertThat(body).containsPattern("\"id\":\"to-down\".*?\"fallbacks\":[3-9]");
        assertThat(body).contains("\"advice\":{\"verdict\":");
    }
}
