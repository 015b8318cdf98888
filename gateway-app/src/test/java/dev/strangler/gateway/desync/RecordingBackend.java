package dev.strangler.gateway.desync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A backend on a raw socket that records every byte the gateway sends it and reads them with
 * {@link StrictRequestParser}, as a strict origin server would: each request it parses is answered at once, with
 * its reading of the request ({@link #identity}) in an {@code X-Parsed} header and as the body, so that whoever
 * receives the answer can tell which request it belongs to. A stream it cannot parse is answered 400 and closed,
 * as such a server does; {@code Expect: 100-continue} gets its interim answer when the head is complete.
 *
 * <p>What it saw is kept per label ({@link #label}), which the test sets to the case it is running.
 */
final class RecordingBackend implements AutoCloseable {

    /** A request this backend parsed, the label it arrived under and the connection it came on. */
    record Received(String label, int connection, StrictRequestParser.Request request) {
    }

    /** Something on a connection that a strict server would not take: bytes it could not parse. */
    record Problem(String label, int connection, String what) {
    }

    private final String name;
    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Problem> problems = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String label = "";

    RecordingBackend(String name) {
        this.name = name;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "recording-backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    String name() {
        return name;
    }

    void label(String label) {
        this.label = label;
    }

    List<Received> received(String label) {
        return received.stream().filter(r -> r.label().equals(label)).toList();
    }

    List<Problem> problems(String label) {
        return problems.stream().filter(p -> p.label().equals(label)).toList();
    }

    /** Connections still open that hold the start of a request the gateway has not finished sending. */
    List<String> openWithPartialRequest() {
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
    String bytesOf(int connection) {
        for (Connection c : connections) {
            if (c.id == connection) {
                String text = c.text();
                return StrictRequestParser.printable(text.length() > 600 ? text.substring(text.length() - 600) : text);
            }
        }
        return "";
    }

    /** How this backend names a request it parsed: method, target, body length and the body's CRC-32. */
    static String identity(String method, String target, byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return method + " " + target + " " + body.length + ":" + Long.toHexString(crc.getValue());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Connection connection = new Connection(ids.incrementAndGet(), socket);
                connections.add(connection);
                Thread thread = new Thread(connection::serve, "recording-backend-" + name + "-" + connection.id);
                thread.setDaemon(true);
                thread.start();
            }
            catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Connection c : connections) {
            c.closeQuietly();
        }
    }

    private final class Connection {

        final int id;
        final Socket socket;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int parsedUpTo;
        private int continuedAt = -1;
        private volatile boolean open = true;

        Connection(int id, Socket socket) {
            this.id = id;
            this.socket = socket;
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

        void serve() {
            try (socket) {
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
            catch (IOException e) {
                // The gateway reset the connection.
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
            String identity = identity(request.method(), request.target(), request.body());
            byte[] body = identity.getBytes(StandardCharsets.ISO_8859_1);
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

        void closeQuietly() {
            try {
                socket.close();
            }
            catch (IOException e) {
                // closing anyway
            }
        }
    }
}
