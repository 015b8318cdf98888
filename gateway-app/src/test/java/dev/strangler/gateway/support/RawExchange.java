package dev.strangler.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** Raw-socket exchanges with a gateway: bytes sent as they are, and everything that comes back until the close. */
public final class RawExchange {

    private RawExchange() {
    }

    /** What came back on a connection: everything up to the close, or up to the read timeout. */
    public record Reply(String text, boolean closed) {

        public int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("no response: [" + text + "]");
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        public String head() {
            int end = text.indexOf("\r\n\r\n");
            return (end < 0 ? text : text.substring(0, end)).toLowerCase();
        }
    }

    /** Sends {@code request} as it is on a new connection and reads until the gateway closes it (or 5 s pass). */
    public static Reply exchange(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readToClose(socket.getInputStream());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Reply readToClose(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return new Reply(text.toString(), true);
        }
        catch (SocketTimeoutException e) {
            return new Reply(text.toString(), false);
        }
        catch (IOException e) {
            // A reset after the answer is a close too.
            return new Reply(text.toString(), true);
        }
    }

    /** Waits up to 2 s for {@code condition}; the backend parses on its own threads. */
    public static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
    }
}
