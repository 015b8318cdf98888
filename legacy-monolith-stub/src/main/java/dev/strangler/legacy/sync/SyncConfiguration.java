package dev.strangler.legacy.sync;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SyncConfiguration {

    /** Building the client does not contact the sidecar: the monolith starts and serves without one. */
    @Bean(destroyMethod = "close")
    DaprClient daprClient() {
        return new DaprClientBuilder().build();
    }
}
