package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.WeightCalculatorWebFilter;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;

import dev.strangler.gateway.support.GatewayFixture;

/**
 * Work that application.yml keeps off every proxied request (bench/ measured it): Spring Cloud Gateway's URL and
 * weight filters, Logback's event counter, and WebFlux's other handler mappings ahead of the gateway's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class HotPathConfigurationTest {

    static final GatewayFixture fixture = new GatewayFixture();

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void routes(DynamicPropertyRegistry registry) {
        fixture.routes.write(fixture.header() + "routes: []\n");
        registry.add("strangler.routes-file", () -> fixture.routes.path().toString());
    }

    @AfterAll
    static void stopBackends() {
        fixture.legacy.close();
        fixture.orders.close();
    }

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
