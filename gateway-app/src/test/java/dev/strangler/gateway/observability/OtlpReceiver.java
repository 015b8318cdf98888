package dev.strangler.gateway.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/** An OTLP/HTTP trace receiver on loopback that keeps what it is sent. */
final class OtlpReceiver implements AutoCloseable {

    record Export(String contentType, String authorization, byte[] body) {

        boolean contains(byte[] needle) {
            outer:
            for (int i = 0; i <= body.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (body[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    private final BlockingQueue<Export> exports = new LinkedBlockingQueue<>();
    private final HttpServer server;

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exports.add(new Export(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String tracesUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** The first export whose body carries these bytes (a trace id), or null if none comes within the wait. */
    Export awaitExportContaining(byte[] bytes) throws InterruptedException {
        for (Export e = exports.poll(20, TimeUnit.SECONDS); e != null; e = exports.poll(5, TimeUnit.SECONDS)) {
            if (e.contains(bytes)) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
