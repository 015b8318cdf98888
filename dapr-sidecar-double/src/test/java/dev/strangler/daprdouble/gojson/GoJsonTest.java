package dev.strangler.daprdouble.gojson;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Go's encoding/json on generic values, which daprd's outbox (pkg/runtime/pubsub/outbox.go: json.Unmarshal into
 * map[string]interface{}, then json.Marshal) and SaveState with a JSON content type apply to what apps send. The
 * expected strings are what Go 1.24's encoding/json and strconv.FormatFloat(f, 'f' or 'e', -1, 64) produce.
 */
class GoJsonTest {

    private static String reencode(String json) throws GoJsonException {
        return new String(GoJson.reencode(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "14.00|14",
            "14.50|14.5",
            "0.10|0.1",
            "1e2|100",
            "-0.0|-0",
            "1000000001|1000000001",
            "9007199254740993|9007199254740992",
            "123456789012345678901234|1.2345678901234569e+23",
            "1e21|1e+21",
            "0.000001|0.000001",
            "0.0000001|1e-7",
            "1.5e-10|1.5e-10",
            "0.1e1|1",
            "5e-324|5e-324",
    })
    void numbersBecomeFloat64InTheirShortestGoForm(String sent, String published) throws GoJsonException {
        assertThat(reencode("[" + sent + "]")).isEqualTo("[" + published + "]");
    }

    @Test
    void objectKeysComeSortedByTheirBytesAndWhitespaceGoes() throws GoJsonException {
        assertThat(reencode("{ \"b\" : 1, \"a\" : {\"z\": true, \"é\": null, \"Z\": false}, \"\": []}"))
                .isEqualTo("{\"\":[],\"a\":{\"Z\":false,\"z\":true,\"é\":null},\"b\":1}");
    }

    @Test
    void stringsAreEscapedAsGoEscapesThemWithHtmlEscaping() throws GoJsonException {
        assertThat(reencode("[\"<a href='x'>&</a>\", \"tab\\tnl\\n\\u0001\\b\\f\", \"\\u2028\\u2029\", \"\\ud800x\", \"\\/\"]"))
                .isEqualTo("[\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\",\"tab\\tnl\\n\\u0001\\b\\f\",\"\\u2028\\u2029\",\"\uFFFDx\",\"/\"]");
    }

    @Test
    void duplicateKeysKeepTheLastValue() throws GoJsonException {
        assertThat(reencode("{\"a\":1,\"a\":2}")).isEqualTo("{\"a\":2}");
    }

    @Test
    void withUseNumberNumbersKeepTheirLiteralForm() throws GoJsonException {
        Object decoded = GoJson.decode("{\"total\":14.00,\"n\":1e2}".getBytes(StandardCharsets.UTF_8), true);
        assertThat(GoJson.encodeToString(decoded)).isEqualTo("{\"n\":1e2,\"total\":14.00}");
    }

    @Test
    void refusesWhatGoRefuses() {
        assertThatThrownBy(() -> reencode("")).isInstanceOf(GoJsonException.class);
        assertThatThrownBy(() -> reencode("{} {}")).isInstanceOf(GoJsonException.class).hasMessageContaining("after top-level value");
        assertThatThrownBy(() -> reencode("[1e400]")).isInstanceOf(GoJsonException.class).hasMessageContaining("float64");
        assertThatThrownBy(() -> reencode("{\"a\":}")).isInstanceOf(GoJsonException.class);
        assertThatThrownBy(() -> reencode("[NaN]")).isInstanceOf(GoJsonException.class);
        assertThatThrownBy(() -> reencode("[01]")).isInstanceOf(GoJsonException.class);
    }
}
