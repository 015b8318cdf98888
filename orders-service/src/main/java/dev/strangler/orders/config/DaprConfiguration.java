package dev.strangler.orders.config;

import java.net.http.HttpClient;
import java.util.Map;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Dapr client and the sidecar's HTTP address. The sidecar is found the Dapr way ({@code DAPR_SIDECAR_IP},
 * {@code DAPR_GRPC_PORT}, {@code DAPR_HTTP_PORT}, or the {@code dapr.*} system properties); Spring's environment is
 * consulted first, so {@code --dapr.grpc.port=...} works too.
 */
@Configuration(proxyBeanMethods = false)
class DaprConfiguration {

    /** Building the client does not contact the sidecar, so the app starts (not ready) while the sidecar is away. */
    @Bean(destroyMethod = "close")
    DaprClient daprClient(Environment environment) {
        return new DaprClientBuilder().withPropertyOverrides(Map.of(
                Properties.SIDECAR_IP, sidecarIp(environment),
                Properties.GRPC_PORT, Integer.toString(port(environment, "dapr.grpc.port", Properties.GRPC_PORT)),
                Properties.HTTP_PORT, Integer.toString(port(environment, "dapr.http.port", Properties.HTTP_PORT))))
                .build();
    }

    @Bean
    SidecarHttp sidecarHttp(OrdersProperties properties, Environment environment) {
        String baseUrl = "http://" + sidecarIp(environment) + ":" + port(environment, "dapr.http.port", Properties.HTTP_PORT);
        return new SidecarHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.sidecarTimeout()).build(), baseUrl, properties.sidecarTimeout());
    }

    private static String sidecarIp(Environment environment) {
        return environment.getProperty("dapr.sidecar.ip", new Properties().getValue(Properties.SIDECAR_IP));
    }

    private static int port(Environment environment, String name, io.dapr.config.Property<Integer> fallback) {
        return environment.getProperty(name, Integer.class, new Properties().getValue(fallback));
    }
}
