package dev.strangler.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EdgePropertiesTest {

    private static EdgeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(EdgeProperties.PREFIX, EdgeProperties.class);
    }

    @Test
    void defaultsAreNginxs() {
        EdgeProperties defaults = bind(Map.of());
        assertThat(defaults.headerReadTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.underscoreHeaders()).isEqualTo(EdgeProperties.UnderscoreHeaders.DROP);
    }

    @Test
    void settingsBindFromKebabCaseKeys() {
        EdgeProperties p = bind(Map.of("strangler.edge.header-read-timeout", "10s", "strangler.edge.underscore-headers", "reject"));
        assertThat(p.headerReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.underscoreHeaders()).isEqualTo(EdgeProperties.UnderscoreHeaders.REJECT);
    }

    @Test
    void aNegativeHeaderTimeoutIsRefusedWithWhatToWrite() {
        assertThatThrownBy(() -> bind(Map.of("strangler.edge.header-read-timeout", "-1s")))
                .rootCause().hasMessageContaining("write a positive duration such as 60s, or 0 for no limit");
    }
}
