package dev.strangler.gateway.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 request parser that accepts only what RFC 9112 allows a server to accept, and refuses everything a
 * lenient parser might read some other way: it is the judge of what a client sent and of what a backend received,
 * so it is written from the RFC and shares no code with the gateway.
 *
 * <ul>
 * <li>Lines end in CRLF; a bare CR or bare LF anywhere in the head is an error (RFC 9112 2.2). Empty lines before a
 * request line are skipped (2.2).</li>
 * <li>request-line = method SP request-target SP HTTP-version, single spaces (3); method is a token; the target is
 * visible ASCII in origin-, absolute-, authority- (CONNECT only) or asterisk-form (OPTIONS only) (3.2); only
 * HTTP/1.0 and HTTP/1.1.</li>
 * <li>field-line = field-name ":" OWS field-value OWS (5); no whitespace before the colon (5.1), no obs-fold (5.2),
 * names are tokens, values are VCHAR, obs-text, SP and HTAB only (RFC 9110 5.5).</li>
 * <li>HTTP/1.1 needs exactly one Host (3.2). Transfer-Encoding with Content-Length, in HTTP/1.0, with a final coding
 * other than chunked or with chunked twice is an error (6.1, 6.3); Content-Length is one run of digits (6.3), a
 * list or a second line of it is refused.</li>
 * <li>chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; hex sizes that fit in 60 bits; extensions as the grammar
 * says; trailer fields as field lines (7.1).</li>
 * <li>After a request that says close, or an HTTP/1.0 request without keep-alive, nothing more is a request (9.6).</li>
 * </ul>
 */
public final class StrictRequestParser {

    private static final int MAX_HEAD = 64 * 1024;
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private StrictRequestParser() {
    }

    /** One request as a strict server reads it. */
    public record Request(String method, String target, String version, List<String[]> fields, byte[] body, boolean closes) {

        public String field(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }

        public boolean expectsContinue() {
            String expect = field("Expect");
            return expect != null && expect.equalsIgnoreCase("100-continue");
        }
    }

    /** The outcome of reading from an offset: a request and where it ended, more bytes needed, or an error. */
    public sealed interface Result permits Parsed, Incomplete, Invalid {
    }

    public record Parsed(Request request, int end) implements Result {
    }

    /** {@code headEnd} is the offset after the head's empty line when the head is complete, else -1. */
    public record Incomplete(int headEnd, boolean expectsContinue) implements Result {
    }

    public record Invalid(String reason) implements Result {
    }

    /** What a whole byte stream holds: the requests in it, and how it ends after them, from {@code tailStart} on. */
    public record Split(List<Request> requests, Tail tail, String reason, int tailStart) {
    }

    public enum Tail {
        /** The stream ends right after the last request. */
        END,
        /** The stream ends inside a request. */
        INCOMPLETE,
        /** A request is malformed; nothing from it on is a request. */
        INVALID,
        /** A request closed the connection; the bytes after it are not requests. */
        CLOSED
    }

    public static Split split(byte[] data) {
        List<Request> requests = new ArrayList<>();
        int offset = 0;
        while (true) {
            int start = skipEmptyLines(data, offset, data.length);
            if (start >= data.length) {
                return new Split(requests, Tail.END, null, start);
            }
            Result result = parse(data, offset, data.length);
            if (result instanceof Parsed parsed) {
                requests.add(parsed.request());
                offset = parsed.end();
                if (parsed.request().closes()) {
                    return new Split(requests, offset == data.length ? Tail.END : Tail.CLOSED, null, offset);
                }
            }
            else if (result instanceof Invalid invalid) {
                return new Split(requests, Tail.INVALID, invalid.reason(), offset);
            }
            else {
                return new Split(requests, Tail.INCOMPLETE, null, offset);
            }
        }
    }

    /** Reads one request from {@code data[offset, limit)}. */
    public static Result parse(byte[] data, int offset, int limit) {
        int pos = skipEmptyLines(data, offset, limit);
        int lineEnd = lineEnd(data, pos, limit);
        if (lineEnd == -2) {
            return new Invalid("bare CR or LF in the request line");
        }
        if (lineEnd < 0) {
            return limit - pos > MAX_HEAD ? new Invalid("request line longer than " + MAX_HEAD) : new Incomplete(-1, false);
        }
        String requestLine = new String(data, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3) {
            return new Invalid("request line is not method SP target SP version: " + printable(requestLine));
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!isToken(method)) {
            return new Invalid("method is not a token: " + printable(method));
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return new Invalid("version is not HTTP/1.1 or HTTP/1.0: " + printable(version));
        }
        String targetProblem = targetProblem(method, target);
        if (targetProblem != null) {
            return new Invalid(targetProblem);
        }
        pos = lineEnd + 2;
        List<String[]> fields = new ArrayList<>();
        FieldsResult head = readFields(data, pos, limit, fields);
        if (head.error != null) {
            return new Invalid(head.error);
        }
        if (head.end < 0) {
            return limit - offset > MAX_HEAD ? new Invalid("head longer than " + MAX_HEAD) : new Incomplete(-1, false);
        }
        Request shape = new Request(method, target, version, fields, null, false);
        String framingProblem = framingProblem(shape);
        if (framingProblem != null) {
            return new Invalid(framingProblem);
        }
        pos = head.end;
        int headEnd = pos;
        boolean expectsContinue = version.equals("HTTP/1.1") && shape.expectsContinue();
        byte[] body;
        List<String> te = values(fields, "Transfer-Encoding");
        if (!te.isEmpty()) {
            java.io.ByteArrayOutputStream decoded = new java.io.ByteArrayOutputStream();
            while (true) {
                int sizeEnd = lineEnd(data, pos, limit);
                if (sizeEnd == -2) {
                    return new Invalid("bare CR or LF in a chunk-size line");
                }
                if (sizeEnd < 0) {
                    return new Incomplete(headEnd, expectsContinue);
                }
                String sizeLine = new String(data, pos, sizeEnd - pos, StandardCharsets.ISO_8859_1);
                long size = chunkSize(sizeLine);
                if (size < 0) {
                    return new Invalid("malformed chunk-size line: " + printable(sizeLine));
                }
                pos = sizeEnd + 2;
                if (size == 0) {
                    List<String[]> trailers = new ArrayList<>();
                    FieldsResult trailer = readFields(data, pos, limit, trailers);
                    if (trailer.error != null) {
                        return new Invalid("trailer: " + trailer.error);
                    }
                    if (trailer.end < 0) {
                        return new Incomplete(headEnd, expectsContinue);
                    }
                    pos = trailer.end;
                    break;
                }
                if (limit - pos < size + 2) {
                    return new Incomplete(headEnd, expectsContinue);
                }
                decoded.write(data, pos, (int) size);
                pos += (int) size;
                if (data[pos] != '\r' || data[pos + 1] != '\n') {
                    return new Invalid("chunk data not followed by CRLF");
                }
                pos += 2;
            }
            body = decoded.toByteArray();
        }
        else {
            String cl = shape.field("Content-Length");
            long length = cl == null ? 0 : Long.parseLong(cl);
            if (limit - pos < length) {
                return new Incomplete(headEnd, expectsContinue);
            }
            body = java.util.Arrays.copyOfRange(data, pos, pos + (int) length);
            pos += (int) length;
        }
        return new Parsed(new Request(method, target, version, fields, body, closes(shape)), pos);
    }

    private record FieldsResult(int end, String error) {
    }

    /** Field lines up to and including the empty line; end is -1 when the empty line has not arrived. */
    private static FieldsResult readFields(byte[] data, int pos, int limit, List<String[]> fields) {
        while (true) {
            int end = lineEnd(data, pos, limit);
            if (end == -2) {
                return new FieldsResult(-1, "bare CR or LF in the field section");
            }
            if (end < 0) {
                return new FieldsResult(-1, null);
            }
            if (end == pos) {
                return new FieldsResult(end + 2, null);
            }
            String line = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return new FieldsResult(-1, "obs-fold or whitespace before a field name: " + printable(line));
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return new FieldsResult(-1, "field line without a name and colon: " + printable(line));
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                return new FieldsResult(-1, "field name is not a token: " + printable(name));
            }
            String value = trimOws(line.substring(colon + 1));
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c == 0x7f)) {
                    return new FieldsResult(-1, "control character in the value of " + name);
                }
            }
            fields.add(new String[] {name, value});
            pos = end + 2;
        }
    }

    private static String framingProblem(Request r) {
        List<String> hosts = values(r.fields(), "Host");
        if (r.version().equals("HTTP/1.1") && hosts.size() != 1) {
            return hosts.isEmpty() ? "HTTP/1.1 request without Host" : "more than one Host";
        }
        for (String host : hosts) {
            if (!isHost(host)) {
                return "Host is not uri-host[:port]: " + printable(host);
            }
        }
        List<String> te = values(r.fields(), "Transfer-Encoding");
        List<String> cl = values(r.fields(), "Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                return "both Transfer-Encoding and Content-Length";
            }
            if (r.version().equals("HTTP/1.0")) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
            List<String> codings = new ArrayList<>();
            for (String v : te) {
                for (String element : v.split(",", -1)) {
                    String coding = trimOws(element);
                    if (!coding.isEmpty()) {
                        if (!isToken(coding)) {
                            return "transfer coding is not a token: " + printable(coding);
                        }
                        codings.add(coding.toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (codings.isEmpty() || !codings.get(codings.size() - 1).equals("chunked")
                    || codings.indexOf("chunked") != codings.size() - 1) {
                return "final transfer coding is not chunked exactly once: " + printable(String.join(",", te));
            }
        }
        if (cl.size() > 1) {
            return "more than one Content-Length";
        }
        if (cl.size() == 1) {
            String v = cl.get(0);
            if (v.isEmpty() || v.length() > 15 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return "Content-Length is not 1*DIGIT: " + printable(v);
            }
        }
        return null;
    }

    private static boolean closes(Request r) {
        boolean close = false;
        boolean keepAlive = false;
        for (String v : values(r.fields(), "Connection")) {
            for (String option : v.split(",")) {
                String o = trimOws(option);
                close |= o.equalsIgnoreCase("close");
                keepAlive |= o.equalsIgnoreCase("keep-alive");
            }
        }
        return close || (r.version().equals("HTTP/1.0") && !keepAlive);
    }

    private static String targetProblem(String method, String target) {
        if (target.isEmpty()) {
            return "empty request target";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "request target holds a byte that is not visible ASCII";
            }
        }
        if (method.equals("CONNECT")) {
            return target.indexOf('/') < 0 && target.indexOf(':') > 0 ? null : "CONNECT target is not authority-form";
        }
        if (target.equals("*")) {
            return method.equals("OPTIONS") ? null : "asterisk-form on a method other than OPTIONS";
        }
        if (target.startsWith("/")) {
            return null;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") ? null
                : "request target is not origin-form or absolute-form: " + printable(target);
    }

    /** The chunk size, or -1 when the line is not chunk-size [ chunk-ext ] or the size does not fit in 60 bits. */
    static long chunkSize(String line) {
        int i = 0;
        long size = 0;
        while (i < line.length() && Character.digit(line.charAt(i), 16) >= 0) {
            if (i >= 15) {
                return -1;
            }
            size = size * 16 + Character.digit(line.charAt(i), 16);
            i++;
        }
        if (i == 0) {
            return -1;
        }
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        while (i < line.length()) {
            i = skipWs(line, i);
            if (i >= line.length() || line.charAt(i) != ';') {
                return -1;
            }
            i = skipWs(line, i + 1);
            int nameStart = i;
            while (i < line.length() && isTchar(line.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                return -1;
            }
            int afterName = skipWs(line, i);
            if (afterName < line.length() && line.charAt(afterName) == '=') {
                i = skipWs(line, afterName + 1);
                if (i < line.length() && line.charAt(i) == '"') {
                    i++;
                    while (i < line.length() && line.charAt(i) != '"') {
                        char c = line.charAt(i);
                        if (c == '\\') {
                            i++;
                        }
                        else if (c != '\t' && (c < 0x20 || c == 0x7f)) {
                            return -1;
                        }
                        i++;
                    }
                    if (i >= line.length()) {
                        return -1;
                    }
                    i++;
                }
                else {
                    int valueStart = i;
                    while (i < line.length() && isTchar(line.charAt(i))) {
                        i++;
                    }
                    if (i == valueStart) {
                        return -1;
                    }
                }
            }
            else {
                i = afterName;
            }
        }
        return size;
    }

    /** The offset of the CR of the next CRLF; -1 when none has arrived; -2 on a bare CR or LF before it. */
    private static int lineEnd(byte[] data, int pos, int limit) {
        for (int i = pos; i < limit; i++) {
            if (data[i] == '\n') {
                return -2;
            }
            if (data[i] == '\r') {
                if (i + 1 >= limit) {
                    return -1;
                }
                return data[i + 1] == '\n' ? i : -2;
            }
        }
        return -1;
    }

    private static int skipEmptyLines(byte[] data, int pos, int limit) {
        while (pos + 1 < limit && data[pos] == '\r' && data[pos + 1] == '\n') {
            pos += 2;
        }
        return pos;
    }

    private static List<String> values(List<String[]> fields, String name) {
        List<String> values = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                values.add(f[1]);
            }
        }
        return values;
    }

    private static boolean isHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TCHAR_SYMBOLS.indexOf(c) >= 0;
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Text with control and non-ASCII bytes escaped, for messages. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                out.append("\\r");
            }
            else if (c == '\n') {
                out.append("\\n");
            }
            else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
