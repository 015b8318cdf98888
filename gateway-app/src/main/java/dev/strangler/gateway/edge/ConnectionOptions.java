package dev.strangler.gateway.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;

/**
 * The connection options of one Connection header line that matter at the edge (RFC 9110 section 7.6.1): the headers
 * that frame or address the request, which a hop that honoured the option would remove while the body they frame
 * still follows, and {@code upgrade}. Read without allocating: the line is split on commas in place.
 */
final class ConnectionOptions {

    static final int UPGRADE = 1;
    static final int CONTENT_LENGTH = 2;
    static final int TRANSFER_ENCODING = 4;
    static final int HOST = 8;
    static final int FRAMING = CONTENT_LENGTH | TRANSFER_ENCODING | HOST;

    private ConnectionOptions() {
    }

    /** The options of {@code line} among those above, as flags; tokens in any case, with optional whitespace. */
    static int of(CharSequence line) {
        int flags = 0;
        int n = line.length();
        int start = 0;
        while (start <= n) {
            int end = start;
            while (end < n && line.charAt(end) != ',') {
                end++;
            }
            int from = start;
            int to = end;
            while (from < to && isOws(line.charAt(from))) {
                from++;
            }
            while (to > from && isOws(line.charAt(to - 1))) {
                to--;
            }
            flags |= option(line, from, to - from);
            start = end + 1;
        }
        return flags;
    }

    /** The header name for the first framing flag in {@code flags}, for the person who sent it. */
    static String framingName(int flags) {
        if ((flags & CONTENT_LENGTH) != 0) {
            return "Content-Length";
        }
        return (flags & TRANSFER_ENCODING) != 0 ? "Transfer-Encoding" : "Host";
    }

    private static int option(CharSequence line, int from, int length) {
        if (matches(line, from, length, HttpHeaderNames.CONTENT_LENGTH)) {
            return CONTENT_LENGTH;
        }
        if (matches(line, from, length, HttpHeaderNames.TRANSFER_ENCODING)) {
            return TRANSFER_ENCODING;
        }
        if (matches(line, from, length, HttpHeaderNames.HOST)) {
            return HOST;
        }
        return matches(line, from, length, HttpHeaderNames.UPGRADE) ? UPGRADE : 0;
    }

    private static boolean matches(CharSequence line, int from, int length, AsciiString name) {
        return length == name.length() && AsciiString.regionMatches(line, true, from, name, 0, length);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }
}
