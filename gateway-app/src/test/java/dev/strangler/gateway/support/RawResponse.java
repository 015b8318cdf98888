package dev.strangler.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 response read off a socket exactly as it came: status line, headers (names in lower case, values in
 * order, Date left out) and body, framed by Content-Length, chunked encoding or the close. Reading stops at the
 * response's end, so several responses can be read in turn from one connection.
 */
public record RawResponse(String statusLine, Map<String, List<String>> headers, String body) {

    public int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** Reads one response; {@code head} says the request was HEAD, whose response has no body whatever it declares. */
    public static RawResponse read(InputStream in, boolean head) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while (!text.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            text.append((char) b);
        }
        String lower = text.toString().toLowerCase();
        String body;
        if (head || lower.startsWith("http/1.1 204") || lower.startsWith("http/1.1 304")) {
            body = "";
        }
        else if (lower.contains("\r\ncontent-length:")) {
            int cl = lower.indexOf("\r\ncontent-length:");
            int length = Integer.parseInt(lower.substring(cl + 17, lower.indexOf("\r\n", cl + 2)).trim());
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            StringBuilder chunks = new StringBuilder();
            while (true) {
                int n = Integer.parseInt(line(in).trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                chunks.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
                line(in);
            }
            body = chunks.toString();
        }
        else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return parse(text.toString(), body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static RawResponse parse(String head, String body) {
        if (head.isEmpty()) {
            throw new IllegalStateException("the connection closed before a response");
        }
        String[] lines = head.substring(0, head.indexOf("\r\n\r\n")).split("\r\n");
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase();
            if (!name.equals("date")) {
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        return new RawResponse(lines[0], headers, body);
    }
}
