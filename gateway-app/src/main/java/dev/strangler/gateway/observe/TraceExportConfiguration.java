package dev.strangler.gateway.observe;

import java.util.Locale;

import org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingProperties;
import org.springframework.boot.actuate.autoconfigure.tracing.otlp.Transport;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Sends spans over OTLP when {@code management.otlp.tracing.endpoint} is set at start, and drops them otherwise.
 * <p>
 * Spring Boot's own OTLP exporter is excluded (application.yml) because it decides with a bean condition, and the
 * image's beans are fixed when it is built (Spring AOT, for its start time): an endpoint given to the container
 * would be ignored. This bean exists in every build and reads the endpoint when the process starts, with the same
 * {@code management.otlp.tracing.*} properties and the same off switches.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OtlpTracingProperties.class)
public class TraceExportConfiguration {

    @Bean
    SpanExporter otlpSpanExporter(OtlpTracingProperties properties, Environment environment) {
        String endpoint = properties.getEndpoint();
        // The switches Boot's exporter honours through its bean condition.
        boolean enabled = environment.getProperty("management.tracing.enabled", Boolean.class, true)
                && environment.getProperty("management.otlp.tracing.export.enabled", Boolean.class, true);
        if (!enabled || !StringUtils.hasText(endpoint)) {
            return SpanExporter.composite();
        }
        String compression = properties.getCompression().name().toLowerCase(Locale.ROOT);
        if (properties.getTransport() == Transport.GRPC) {
            var builder = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setTimeout(properties.getTimeout())
                    .setConnectTimeout(properties.getConnectTimeout()).setCompression(compression);
            properties.getHeaders().forEach(builder::addHeader);
            return builder.build();
        }
        var builder = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(properties.getTimeout())
                .setConnectTimeout(properties.getConnectTimeout()).setCompression(compression);
        properties.getHeaders().forEach(builder::addHeader);
        return builder.build();
    }
}
