package dev.strangler.gateway.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class ShadowPropertiesTest {

    private static ShadowProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(ShadowProperties.PREFIX, ShadowProperties.class);
    }

    @Test
    void defaultsBoundWhatShadowingMayCost() {
        ShadowProperties defaults = bind(Map.of());
        assertThat(defaults.maxInFlight()).isEqualTo(64);
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.maxRequestBody()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(defaults.maxResponseBody()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(defaults.ioThreads()).isEqualTo(1);
    }

    @Test
    void settingsBindFromKebabCaseKeys() {
        ShadowProperties p = bind(Map.of("strangler.shadow.max-in-flight", "8", "strangler.shadow.timeout", "750ms",
                "strangler.shadow.max-response-body", "256KB"));
        assertThat(p.maxInFlight()).isEqualTo(8);
        assertThat(p.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(p.maxResponseBody()).isEqualTo(DataSize.ofKilobytes(256));
    }

    @Test
    void rejectsLimitsThatWouldDisableTheBound() {
        assertThatThrownBy(() -> bind(Map.of("strangler.shadow.max-in-flight", "0")))
                .rootCause().hasMessageContaining("strangler.shadow.max-in-flight must be at least 1");
        assertThatThrownBy(() -> bind(Map.of("strangler.shadow.timeout", "0s")))
                .rootCause().hasMessageContaining("strangler.shadow.timeout must be positive");
    }
}
