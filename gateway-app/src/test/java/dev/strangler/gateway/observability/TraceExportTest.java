package dev.strangler.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import dev.strangler.gateway.support.GatewayFixture;
import dev.strangler.gateway.support.Http;

/** Spans of proxied requests reach the OTLP endpoint given at start (TraceExportConfiguration). */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "management.tracing.sampling.probability=1.0",
        "management.tracing.opentelemetry.export.schedule-delay=100ms" })
class TraceExportTest {

    static final GatewayFixture fixture = new GatewayFixture();
    static final Collector collector = new Collector();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + """
                routes:
                  - id: orders-api
                    paths: [/api/orders/**]
                    backend: orders
                    stage: migrated
                """);
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
        registry.add("management.otlp.tracing.endpoint", () -> collector.url() + "/v1/traces");
        registry.add("management.otlp.tracing.headers.authorization", () -> "Bearer collector-token");
    }

    @AfterAll
    static void stop() {
        fixture.legacy.close();
        fixture.orders.close();
        collector.server.stop(0);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void spansHaveOneExporterSoNoneIsSentTwice() {
        assertThat(context.getBeansOfType(SpanExporter.class)).containsOnlyKeys("otlpSpanExporter");
    }

    @Test
    void theSpanOfAProxiedRequestIsPostedToTheOtlpEndpointWithTheConfiguredHeaders() throws InterruptedException {
        String traceparent = Http.echoedHeaders(Http.get("http://127.0.0.1:" + port + "/api/orders/5")).get("traceparent");
        byte[] traceId = HexFormat.of().parseHex(traceparent.split("-")[1]);

        Export found = null;
        for (Export e = collector.exports.poll(20, TimeUnit.SECONDS); e != null; e = collector.exports.poll(5, TimeUnit.SECONDS)) {
            if (indexOf(e.body(), traceId) >= 0) {
                found = e;
                break;
            }
        }
        assertThat(found).as("an OTLP export carrying trace %s", traceparent).isNotNull();
        assertThat(found.contentType()).isEqualTo("application/x-protobuf");
        assertThat(found.authorization()).isEqualTo("Bearer collector-token");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    record Export(String contentType, String authorization, byte[] body) {
    }

    /** An OTLP/HTTP trace receiver on loopback that keeps what it is sent. */
    static final class Collector {

        final BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        final HttpServer server;

        Collector() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/v1/traces", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                exports.add(new Export(exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
    }
}
