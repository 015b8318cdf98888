package dev.strangler.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The accept loop of the raw-socket backends: a server socket on a free loopback port, and each connection it accepts
 * served on a thread of its own by {@code handler}, which gets the connection's number (from 1). Closing the server
 * closes the connections still open too, as a backend that goes away does.
 */
final class LoopbackServer implements AutoCloseable {

    /** Serves one connection until it is done with it; the socket is closed after it returns. */
    interface Handler {
        void serve(Socket socket, int connection) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    LoopbackServer(String name, Handler handler) {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> accept(name, handler), name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept(String name, Handler handler) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            }
            catch (IOException e) {
                return;
            }
            int id = connections.incrementAndGet();
            open.add(socket);
            Thread connection = new Thread(() -> serve(socket, id, handler), name + "-" + id);
            connection.setDaemon(true);
            connection.start();
        }
    }

    private void serve(Socket socket, int id, Handler handler) {
        try (socket) {
            handler.serve(socket, id);
        }
        catch (IOException e) {
            // The gateway closed or reset the connection.
        }
        finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
