package dev.strangler.gateway.shadow;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.springframework.http.HttpHeaders;

/**
 * Undoes the Content-Encoding of a captured body, so that a gzipped primary and a plain shadow answer compare
 * by their content. The decoded size is capped as well, so a small compressed body cannot expand without bound.
 */
final class BodyDecoding {

    private BodyDecoding() {
    }

    static byte[] decode(HttpHeaders headers, byte[] body, int limit) {
        String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
        if (encoding == null || body.length == 0) {
            return body;
        }
        return switch (encoding.trim().toLowerCase(Locale.ROOT)) {
            case "", "identity" -> body;
            case "gzip", "x-gzip" -> gunzip(body, limit);
            default -> throw new NotCompared(NotCompared.Outcome.FAILED, "unsupported-content-encoding");
        };
    }

    private static byte[] gunzip(byte[] body, int limit) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] decoded = in.readNBytes(limit + 1);
            if (decoded.length > limit) {
                throw new NotCompared(NotCompared.Outcome.FAILED, "body-too-large");
            }
            return decoded;
        }
        catch (IOException e) {
            throw new NotCompared(NotCompared.Outcome.FAILED, "undecodable-gzip-body", e);
        }
    }
}
