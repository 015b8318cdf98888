package dev.strangler.gateway.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a raw socket that parses what it receives the way an HTTP/1.1 origin server does (RFC 9112: a request
 * line, header lines up to the empty line, a body framed by Transfer-Encoding: chunked or by Content-Length, else
 * none), keeps the connection open for the next request, and records every request it parsed with the exact bytes of
 * its connection. Each answer is {@code 200} with the request line it answers as its body, so a client can tell which
 * request its response belongs to. {@code /slow} waits 300 ms before answering, so that a request behind it waits on
 * the same backend connection.
 */
public final class RecordingBackend implements AutoCloseable {

    /** One request as the backend parsed it, on connection {@code connection} (numbered from 1). */
    public record Received(int connection, String requestLine, List<String> headerLines, String body) {

        public String target() {
            return requestLine.split(" ")[1];
        }
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<ByteArrayOutputStream> bytes = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public RecordingBackend() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "recording-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Every request parsed so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The targets of every request parsed so far, in order. */
    public List<String> targets() {
        return received.stream().map(Received::target).toList();
    }

    /** Everything every connection has received so far, one string per connection, in ISO-8859-1. */
    public List<String> rawConnections() {
        List<String> all = new ArrayList<>();
        for (ByteArrayOutputStream connection : bytes) {
            synchronized (connection) {
                all.add(connection.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return all;
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                int id = connections.incrementAndGet();
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                bytes.add(record);
                Thread connection = new Thread(() -> serve(socket, id, record), "recording-backend-" + id);
                connection.setDaemon(true);
                connection.start();
            }
            catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Resets every connection open now (SO_LINGER 0, so the close sends RST), as a server does that drops idle
     * keep-alive connections when it restarts or reaches its idle timeout with data unread.
     */
    public void resetOpenConnections() throws IOException {
        for (Socket socket : open) {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        }
    }

    private void serve(Socket socket, int id, ByteArrayOutputStream record) {
        try (socket) {
            InputStream in = new RecordingStream(new BufferedInputStream(socket.getInputStream()), record);
            OutputStream out = socket.getOutputStream();
            String requestLine;
            while ((requestLine = line(in)) != null) {
                if (requestLine.isEmpty()) {
                    continue;
                }
                List<String> headers = new ArrayList<>();
                String header;
                while ((header = line(in)) != null && !header.isEmpty()) {
                    headers.add(header);
                }
                if (header == null) {
                    return;
                }
                String body = body(in, headers);
                if (body == null) {
                    return;
                }
                received.add(new Received(id, requestLine, List.copyOf(headers), body));
                if (requestLine.contains(" /slow")) {
                    Thread.sleep(300);
                }
                byte[] answer = requestLine.getBytes(StandardCharsets.ISO_8859_1);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(answer);
                out.flush();
            }
        }
        catch (IOException e) {
            // The gateway closed the connection.
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            open.remove(socket);
        }
    }

    /** The body as the headers frame it, or null when the connection ends before it does. */
    private static String body(InputStream in, List<String> headers) throws IOException {
        String transferEncoding = value(headers, "transfer-encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                if (size == null) {
                    return null;
                }
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    String trailer;
                    while ((trailer = line(in)) != null && !trailer.isEmpty()) {
                        // Trailers are read and left out.
                    }
                    return trailer == null ? null : body.toString(StandardCharsets.ISO_8859_1);
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length < n || line(in) == null) {
                    return null;
                }
                body.write(chunk);
            }
        }
        String contentLength = value(headers, "content-length");
        if (contentLength == null) {
            return "";
        }
        int n = Integer.parseInt(contentLength.trim());
        byte[] body = in.readNBytes(n);
        return body.length < n ? null : new String(body, StandardCharsets.ISO_8859_1);
    }

    private static String value(List<String> headers, String name) {
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return header.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A line without its CRLF (or bare LF), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies every byte read into the connection's record. */
    private static final class RecordingStream extends InputStream {
        private final InputStream in;
        private final ByteArrayOutputStream record;

        RecordingStream(InputStream in, ByteArrayOutputStream record) {
            this.in = in;
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                synchronized (record) {
                    record.write(b);
                }
            }
            return b;
        }
    }
}
