package dev.strangler.gateway.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import dev.strangler.gateway.observe.MismatchSample.Difference;
import dev.strangler.gateway.routes.ShadowSpec;

class ResponseComparisonTest {

    private static CapturedResponse response(int status, String body, String... headers) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new CapturedResponse(status, h, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Difference> compare(ShadowSpec.Compare settings, CapturedResponse primary, CapturedResponse shadow) {
        return new ResponseComparison(settings).compare(primary, shadow);
    }

    @Test
    void sameStatusHeadersAndJsonMatch() {
        assertThat(compare(ShadowSpec.Compare.DEFAULT,
                response(200, "{\"a\":1.50}", "Content-Type", "application/json"),
                response(200, "{ \"a\" : 1.5 }", "content-type", "application/json"))).isEmpty();
    }

    @Test
    void statusDifferenceComesFirst() {
        assertThat(compare(ShadowSpec.Compare.DEFAULT,
                response(200, "{\"a\":1}", "Content-Type", "application/json"),
                response(404, "{\"a\":2}", "Content-Type", "application/json")))
                .containsExactly(new Difference("status", "200", "404"), new Difference("/a", "1", "2"));
    }

    @Test
    void selectedHeadersCompareByCaseInsensitiveNameAndOthersAreIgnored() {
        var settings = new ShadowSpec.Compare(List.of(), 0, List.of("content-type", "X-Version"));
        assertThat(compare(settings,
                response(200, "", "Content-Type", "text/plain;charset=UTF-8", "x-version", "1", "Date", "a"),
                response(200, "", "content-type", "text/plain; charset=utf-8", "X-VERSION", "2", "Date", "b")))
                .containsExactly(new Difference("header:X-Version", "1", "2"));
    }

    @Test
    void aHeaderMissingOnOneSideIsADifference() {
        var settings = new ShadowSpec.Compare(List.of(), 0, List.of("ETag"));
        assertThat(compare(settings, response(200, "", "ETag", "\"1\""), response(200, "")))
                .containsExactly(new Difference("header:ETag", "\"1\"", null));
    }

    @Test
    void credentialHeadersAreNeverComparedEvenWhenSelected() {
        var settings = new ShadowSpec.Compare(List.of(), 0, List.of("Set-Cookie", "Authorization", "Cookie"));
        assertThat(compare(settings, response(200, "", "Set-Cookie", "s=secret1"), response(200, "", "Set-Cookie", "s=secret2")))
                .isEmpty();
    }

    @Test
    void ignorePathsAndToleranceOfTheRouteApply() {
        var settings = new ShadowSpec.Compare(List.of("/content/*/createdAt"), 0.005, List.of());
        assertThat(compare(settings,
                response(200, "{\"content\":[{\"createdAt\":\"x\",\"total\":1.001}]}", "Content-Type", "application/hal+json"),
                response(200, "{\"content\":[{\"createdAt\":\"y\",\"total\":1.003}]}", "Content-Type", "application/hal+json")))
                .isEmpty();
    }

    @Test
    void nonJsonBodiesCompareByBytesAndShowText() {
        assertThat(compare(ShadowSpec.Compare.DEFAULT,
                response(200, "<p>old</p>", "Content-Type", "text/html"),
                response(200, "<p>new</p>", "Content-Type", "text/html")))
                .containsExactly(new Difference("body", "<p>old</p>", "<p>new</p>"));
        assertThat(compare(ShadowSpec.Compare.DEFAULT,
                response(200, "<p>same</p>", "Content-Type", "text/html"),
                response(200, "<p>same</p>", "Content-Type", "text/html"))).isEmpty();
    }

    @Test
    void jsonAgainstInvalidJsonComparesBytes() {
        assertThat(compare(new ShadowSpec.Compare(List.of(), 0, List.of()),
                response(200, "{\"a\":1}", "Content-Type", "application/json"),
                response(200, "{\"a\":1} trailing", "Content-Type", "application/json")))
                .containsExactly(new Difference("body", "{\"a\":1}", "{\"a\":1} trailing"));
    }

    @Test
    void binaryBodiesShowOnlyTheirSize() {
        assertThat(compare(ShadowSpec.Compare.DEFAULT,
                response(200, "abc", "Content-Type", "application/octet-stream"),
                response(200, "abcd", "Content-Type", "application/octet-stream")))
                .containsExactly(new Difference("body", "(3 bytes)", "(4 bytes)"));
    }

    @Test
    void atMostTwentyDifferencesIncludingStatusAndHeaders() {
        StringBuilder p = new StringBuilder("[0");
        StringBuilder s = new StringBuilder("[1");
        for (int i = 1; i < 50; i++) {
            p.append(',').append(i);
            s.append(',').append(i + 1);
        }
        List<Difference> differences = compare(ShadowSpec.Compare.DEFAULT,
                response(200, p + "]", "Content-Type", "application/json"),
                response(201, s + "]", "Content-Type", "application/problem+json"));
        assertThat(differences).hasSize(ResponseComparison.MAX_DIFFERENCES);
        assertThat(differences.get(0).where()).isEqualTo("status");
        assertThat(differences.get(1).where()).isEqualTo("header:Content-Type");
    }

    @Test
    void gzippedBodyIsDecodedBeforeItIsCompared() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        }
        HttpHeaders headers = new HttpHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Content-Encoding", "gzip");
        byte[] decoded = BodyDecoding.decode(headers, zipped.toByteArray(), 1024);
        assertThat(compare(ShadowSpec.Compare.DEFAULT, new CapturedResponse(200, headers, decoded),
                response(200, "{\"a\":1}", "Content-Type", "application/json"))).isEmpty();
    }
}
