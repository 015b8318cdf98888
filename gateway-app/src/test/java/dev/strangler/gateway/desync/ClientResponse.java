package dev.strangler.gateway.desync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.strangler.gateway.support.StrictRequestParser;

/**
 * One response as the client's socket delivers it, read by its own framing (RFC 9112 6.3: no body for HEAD, 1xx,
 * 204 and 304; then chunked; then Content-Length; else up to the close). The socket's read timeout bounds every read.
 */
record ClientResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** The {@code X-Parsed} a recording backend puts on its answers, or null for an answer the gateway made. */
    String parsed() {
        List<String> values = headers.get("x-parsed");
        return values == null ? null : values.get(0);
    }

    boolean closes() {
        List<String> values = headers.get("connection");
        return values != null && values.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
    }

    @Override
    public String toString() {
        return status + " " + (parsed() != null ? "from a backend that parsed [" + parsed() + "]" : "from the gateway: "
                + StrictRequestParser.printable(new String(body, 0, Math.min(body.length, 160), StandardCharsets.ISO_8859_1)));
    }

    /**
     * The next final response, skipping interim ones; null when the connection closes before its first byte.
     *
     * @throws java.net.SocketTimeoutException when the read timeout passes without a byte
     * @throws IOException                     when the bytes are not an HTTP/1.1 response
     */
    static ClientResponse read(InputStream in, boolean head) throws IOException {
        return read(in, headers -> head);
    }

    /** As {@link #read(InputStream, boolean)}, with whether the answer is to a HEAD decided once its head is read. */
    static ClientResponse read(InputStream in, java.util.function.Predicate<Map<String, List<String>>> head) throws IOException {
        while (true) {
            String statusLine = line(in, true);
            if (statusLine == null) {
                return null;
            }
            if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
                throw new IOException("not a status line: " + StrictRequestParser.printable(statusLine));
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, List<String>> headers = new TreeMap<>();
            String line;
            while (!(line = line(in, false)).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("not a field line: " + StrictRequestParser.printable(line));
                }
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            byte[] body;
            List<String> te = headers.get("transfer-encoding");
            List<String> cl = headers.get("content-length");
            if (head.test(headers) || status == 204 || status == 304) {
                body = new byte[0];
            }
            else if (te != null) {
                body = chunked(in);
            }
            else if (cl != null) {
                int length = Integer.parseInt(cl.get(0));
                body = in.readNBytes(length);
                if (body.length < length) {
                    throw new IOException("the connection closed after " + body.length + " of " + length + " body bytes");
                }
            }
            else {
                body = in.readAllBytes();
            }
            return new ClientResponse(status, headers, body);
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, false);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!line(in, false).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            if (data.length < size) {
                throw new IOException("the connection closed inside a chunk");
            }
            body.write(data);
            line(in, false);
        }
    }

    /** A line without its CRLF; null at a close before the first byte when {@code eofAllowed}. */
    private static String line(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (eofAllowed && line.size() == 0) {
            return null;
        }
        throw new IOException("the connection closed inside a response head");
    }
}
