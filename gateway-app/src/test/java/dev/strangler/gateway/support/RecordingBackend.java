package dev.strangler.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;

/**
 * A backend on a raw socket that records every byte the gateway sends it and reads them with
 * {@link StrictRequestParser}, as a strict origin server would (RFC 9112), keeping the connection open for the next
 * request. Each request it parses is answered at once with {@code 200}: its reading of the request
 * ({@link #identity}) in an {@code X-Parsed} header, and the request line as the body, so that whoever receives the
 * answer can tell which request it belongs to. A stream it cannot parse is answered 400 and closed, as such a server
 * does; {@code Expect: 100-continue} gets its interim answer when the head is complete. A target starting with
 * {@code /slow} waits 300 ms before its answer, so that a request behind it waits on the same backend connection;
 * {@code /slower} waits 1.5 s, longer than the idle timeouts tests set.
 *
 * <p>What it saw is kept per label ({@link #label}), which a test may set to the case it is running.
 */
public final class RecordingBackend implements AutoCloseable {

    /** A request this backend parsed, the label it arrived under and the connection it came on (numbered from 1). */
    public record Received(String label, int connection, StrictRequestParser.Request request) {

        public String target() {
            return request.target();
        }

        public String requestLine() {
            return request.method() + " " + request.target() + " " + request.version();
        }

        /** The header lines as {@code Name: value}, in order. */
        public List<String> headerLines() {
            return request.fields().stream().map(f -> f[0] + ": " + f[1]).toList();
        }

        public String body() {
            return new String(request.body(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Something on a connection that a strict server would not take: bytes it could not parse. */
    public record Problem(String label, int connection, String what) {
    }

    private final String name;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Problem> problems = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final LoopbackServer server;
    private volatile String label = "";

    public RecordingBackend() {
        this("recording");
    }

    public RecordingBackend(String name) {
        this.name = name;
        this.server = new LoopbackServer("recording-backend-" + name, (socket, id) -> {
            Connection connection = new Connection(id);
            connections.add(connection);
            connection.serve(socket);
        });
    }

    public String url() {
        return server.url();
    }

    public String name() {
        return name;
    }

    /** Connections accepted so far. */
    public int connections() {
        return server.connections();
    }

    /** The label the requests parsed from now on are kept under. */
    public void label(String label) {
        this.label = label;
    }

    /** Every request parsed so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String label) {
        return received.stream().filter(r -> r.label().equals(label)).toList();
    }

    /** The targets of every request parsed so far, in order. */
    public List<String> targets() {
        return received.stream().map(Received::target).toList();
    }

    public List<Problem> problems(String label) {
        return problems.stream().filter(p -> p.label().equals(label)).toList();
    }

    /** Everything every connection has received so far, one string per connection, in ISO-8859-1. */
    public List<String> rawConnections() {
        return connections.stream().map(Connection::text).toList();
    }

    /** Connections still open that hold the start of a request the gateway has not finished sending. */
    public List<String> openWithPartialRequest() {
        List<String> partial = new ArrayList<>();
        for (Connection c : connections) {
            String pending = c.pendingPartial();
            if (pending != null) {
                partial.add("connection " + c.id + " of " + name + ": " + pending);
            }
        }
        return partial;
    }

    /** The last bytes one connection received, for failure messages. */
    public String bytesOf(int connection) {
        for (Connection c : connections) {
            if (c.id == connection) {
                String text = c.text();
                return StrictRequestParser.printable(text.length() > 600 ? text.substring(text.length() - 600) : text);
            }
        }
        return "";
    }

    /** How this backend names a request it parsed: method, target, body length and the body's CRC-32. */
    public static String identity(String method, String target, byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return method + " " + target + " " + body.length + ":" + Long.toHexString(crc.getValue());
    }

    /**
     * Resets every connection open now (SO_LINGER 0, so the close sends RST), as a server does that drops idle
     * keep-alive connections when it restarts or reaches its idle timeout with data unread.
     */
    public void resetOpenConnections() throws IOException {
        for (Connection connection : connections) {
            Socket socket = connection.socket;
            if (connection.open && socket != null && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Connection {

        final int id;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int parsedUpTo;
        private int continuedAt = -1;
        private volatile boolean open = true;
        private volatile Socket socket;

        Connection(int id) {
            this.id = id;
        }

        synchronized String pendingPartial() {
            if (!open || parsedUpTo >= bytes.size()) {
                return null;
            }
            byte[] all = bytes.toByteArray();
            return StrictRequestParser.printable(new String(all, parsedUpTo, all.length - parsedUpTo, StandardCharsets.ISO_8859_1));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }

        void serve(Socket socket) throws IOException {
            this.socket = socket;
            try {
                // Bounded: a connection the gateway forgets is dropped after this long without a byte.
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!consume(buffer, n, out)) {
                        return;
                    }
                }
            }
            catch (SocketTimeoutException e) {
                // Idle for 30 s: gone.
            }
            finally {
                open = false;
            }
        }

        /** Appends what arrived, answers every request now complete; false once the connection is to be closed. */
        private boolean consume(byte[] buffer, int n, OutputStream out) throws IOException {
            String currentLabel = label;
            byte[] all;
            synchronized (this) {
                bytes.write(buffer, 0, n);
                all = bytes.toByteArray();
            }
            while (true) {
                StrictRequestParser.Result result = StrictRequestParser.parse(all, parsedUpTo, all.length);
                if (result instanceof StrictRequestParser.Parsed parsed) {
                    StrictRequestParser.Request request = parsed.request();
                    received.add(new Received(currentLabel, id, request));
                    synchronized (this) {
                        parsedUpTo = parsed.end();
                    }
                    answer(out, request);
                    if (request.closes()) {
                        return false;
                    }
                }
                else if (result instanceof StrictRequestParser.Invalid invalid) {
                    problems.add(new Problem(currentLabel, id, invalid.reason()));
                    out.write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return false;
                }
                else {
                    StrictRequestParser.Incomplete incomplete = (StrictRequestParser.Incomplete) result;
                    if (incomplete.expectsContinue() && continuedAt != parsedUpTo) {
                        continuedAt = parsedUpTo;
                        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    return true;
                }
            }
        }

        private void answer(OutputStream out, StrictRequestParser.Request request) throws IOException {
            if (request.target().startsWith("/slower")) {
                pause(1_500);
            }
            else if (request.target().startsWith("/slow")) {
                pause(300);
            }
            String identity = identity(request.method(), request.target(), request.body());
            byte[] body = (request.method() + " " + request.target() + " " + request.version()).getBytes(StandardCharsets.ISO_8859_1);
            StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Parsed: ")
                    .append(identity).append("\r\nContent-Length: ").append(body.length).append("\r\n");
            if (request.closes()) {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!request.method().equals("HEAD")) {
                out.write(body);
            }
            out.flush();
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
