package dev.strangler.orders.config;

import java.net.http.HttpClient;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DaprConfiguration {

    /** Building the client does not contact the sidecar, so the app starts (not ready) while the sidecar is away. */
    @Bean(destroyMethod = "close")
    DaprClient daprClient() {
        return new DaprClientBuilder().build();
    }

    @Bean
    SidecarHttp sidecarHttp(OrdersProperties properties) {
        return new SidecarHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.sidecarTimeout()).build(), properties);
    }
}
