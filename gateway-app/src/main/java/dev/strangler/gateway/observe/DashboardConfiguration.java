package dev.strangler.gateway.observe;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Declares the dashboard endpoint; {@code management.endpoints.web.exposure.include} must list {@code dashboard}. */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

    @Bean
    DashboardEndpoint dashboardEndpoint() {
        return new DashboardEndpoint();
    }
}
