package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @ParameterizedTest
    @CsvSource({ "'', /", "/, /", "//, /", "/a//b/, /a/b", "/a/./b, /a/b", "/a/x/../b, /a/b", "/.., /", "/a;p=1/b;q, /a/b",
            "/a/..;/b, /b", "/a%20b/c, /a%20b/c" })
    void normalizesToOneForm(String raw, String normalized) throws Exception {
        assertThat(PathNormalizer.normalize(raw).raw()).isEqualTo(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/a%2Fb", "/a%2fb", "/a%5cb", "/a\\b", "/%2e%2e/x", "/%2E/x", "/.%2e/x", "/a%00", "/a%zz", "/a%2" })
    void refusesWhatABackendCouldReadDifferently(String raw) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw)).isInstanceOf(PathNormalizer.RejectedPathException.class);
    }
}
