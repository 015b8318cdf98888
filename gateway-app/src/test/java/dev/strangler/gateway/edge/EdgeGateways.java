package dev.strangler.gateway.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.strangler.gateway.GatewayApplication;
import dev.strangler.gateway.support.RecordingBackend;
import dev.strangler.gateway.support.RoutesFile;

/**
 * Two gateways in front of one {@link RecordingBackend}, one on the direct path and one with
 * {@code strangler.direct-path=false}, so every case runs on both proxy paths; and raw-socket exchanges with them.
 * Every path goes to the backend: {@code /api/**} on a migrated route, the rest by the default backend.
 */
final class EdgeGateways implements AutoCloseable {

    final RecordingBackend backend = new RecordingBackend();
    final ConfigurableApplicationContext direct;
    final ConfigurableApplicationContext chain;

    EdgeGateways(String... properties) {
        RoutesFile routes;
        try {
            routes = new RoutesFile(Files.createTempDirectory("edge-test"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        routes.write("backends:\n  legacy: { url: \"" + backend.url() + "\" }\n  orders: { url: \"" + backend.url() + "\" }\n"
                + """
                defaultBackend: legacy
                routes:
                  - id: api
                    paths: [/api/**]
                    backend: orders
                    stage: migrated
                """);
        direct = start(routes, true, properties);
        chain = start(routes, false, properties);
    }

    private static ConfigurableApplicationContext start(RoutesFile routes, boolean directPath, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--strangler.routes-file=" + routes.path(), "--strangler.direct-path=" + directPath));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    int port(String path) {
        ConfigurableApplicationContext gateway = path.equals("direct") ? direct : chain;
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
        direct.close();
        chain.close();
        backend.close();
    }

    /** What came back on a connection: everything up to the close, or up to the read timeout. */
    record Reply(String text, boolean closed) {

        int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("no response: [" + text + "]");
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        String head() {
            int end = text.indexOf("\r\n\r\n");
            return (end < 0 ? text : text.substring(0, end)).toLowerCase();
        }
    }

    /** Sends {@code request} as it is on a new connection and reads until the gateway closes it (or 5 s pass). */
    static Reply exchange(int port, String request) {
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

    static Reply readToClose(InputStream in) throws IOException {
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
    static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
    }
}
