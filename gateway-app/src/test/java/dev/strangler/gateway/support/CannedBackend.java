package dev.strangler.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A backend that writes, for each request on a keep-alive connection, the bytes given for its path, exactly: what
 * no well-behaved HTTP server library would send (1xx heads before the answer, bytes after its end, framing of its
 * own). Requests must have no body. An unknown path gets a 404; an HTTP/1.0 answer closes the connection, and so
 * does every answer of a backend made by {@link #closingAfterEachAnswer}, which can thus die part way through one.
 */
public final class CannedBackend implements AutoCloseable {

    private final LoopbackServer server;
    private final Map<String, String> answers;
    private final boolean closeAfterEachAnswer;

    public CannedBackend(Map<String, String> answers) {
        this(answers, false);
    }

    /** A backend that closes the connection right after writing an answer's bytes, complete or not. */
    public static CannedBackend closingAfterEachAnswer(Map<String, String> answers) {
        return new CannedBackend(answers, true);
    }

    private CannedBackend(Map<String, String> answers, boolean closeAfterEachAnswer) {
        this.closeAfterEachAnswer = closeAfterEachAnswer;
        this.answers = Map.copyOf(answers);
        this.server = new LoopbackServer("canned-backend", (socket, connection) -> serve(socket));
    }

    public String url() {
        return server.url();
    }

    /** Connections accepted so far. */
    public int connections() {
        return server.connections();
    }

    private void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        String head;
        while ((head = readHead(in)) != null) {
            String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String answer = answers.getOrDefault(path, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (closeAfterEachAnswer || answer.startsWith("HTTP/1.0")) {
                // An HTTP/1.0 answer without a length ends where the connection does.
                return;
            }
        }
    }

    /** A request's head read byte by byte from {@code in}, or null at the end of the connection. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.close();
    }
}
