package dev.strangler.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw request path into the one form that is matched and forwarded, or refuses it when the
 * gateway and a backend could read it differently (an encoded '/', '\' or dot segment).
 * Written as a single scan: it runs on every request.
 */
public final class PathNormalizer {

    /** Why a path was refused; the message is safe to show to the client. */
    public static final class RejectedPathException extends Exception {
        public RejectedPathException(String message) {
            super(message, null, false, false);
        }
    }

    private PathNormalizer() {
    }

    public static RequestPath normalize(String rawPath) throws RejectedPathException {
        if (rawPath == null || rawPath.isEmpty()) {
            return new RequestPath("/", new String[0]);
        }
        if (rawPath.indexOf('\\') >= 0) {
            throw new RejectedPathException("a backslash is not allowed in the path");
        }
        List<String> raw = new ArrayList<>(8);
        List<String> decoded = new ArrayList<>(8);
        int n = rawPath.length();
        int start = 0;
        while (start <= n) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            String segment = rawPath.substring(start, end);
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                segment = segment.substring(0, semicolon);
            }
            start = end + 1;
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!raw.isEmpty()) {
                    raw.remove(raw.size() - 1);
                    decoded.remove(decoded.size() - 1);
                }
                continue;
            }
            String value = segment.indexOf('%') >= 0 ? decode(segment) : segment;
            if (value.equals(".") || value.equals("..")) {
                throw new RejectedPathException("an encoded dot segment ('%2e') is not allowed in the path");
            }
            raw.add(segment);
            decoded.add(value);
        }
        if (raw.isEmpty()) {
            return new RequestPath("/", new String[0]);
        }
        StringBuilder sb = new StringBuilder(rawPath.length());
        for (String s : raw) {
            sb.append('/').append(s);
        }
        return new RequestPath(sb.toString(), decoded.toArray(new String[0]));
    }

    private static String decode(String segment) throws RejectedPathException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                if (c < 0x80) {
                    out.write(c);
                }
                else {
                    byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    out.write(bytes, 0, bytes.length);
                }
                continue;
            }
            if (i + 2 >= segment.length()) {
                throw new RejectedPathException("a '%' in the path must be followed by two hex digits");
            }
            int hi = Character.digit(segment.charAt(i + 1), 16);
            int lo = Character.digit(segment.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new RejectedPathException("a '%' in the path must be followed by two hex digits");
            }
            int b = (hi << 4) | lo;
            if (b == '/' || b == '\\') {
                throw new RejectedPathException("an encoded '/' or '\\' (%2F, %5C) is not allowed in the path");
            }
            if (b == 0) {
                throw new RejectedPathException("an encoded NUL (%00) is not allowed in the path");
            }
            out.write(b);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
