package dev.strangler.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.strangler.daprdouble.net.LoopbackPorts;

/** Two echo backends and a routes file naming them, shared by the tests of one class. */
public final class GatewayFixture {

    public final EchoBackend legacy = new EchoBackend("legacy");
    public final EchoBackend orders = new EchoBackend("orders");
    public final RoutesFile routes;

    public GatewayFixture() {
        try {
            Path dir = Files.createTempDirectory("gateway-test");
            dir.toFile().deleteOnExit();
            routes = new RoutesFile(dir);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port nothing listens on, so connections to it are refused. */
    public final int closedPort = LoopbackPorts.free();

    /** The backends block every test table starts with; backend "down" refuses connections. */
    public String header() {
        return "backends:\n"
                + "  legacy: { url: \"" + legacy.url() + "\" }\n"
                + "  orders: { url: \"" + orders.url() + "\" }\n"
                + "  down: { url: \"http://127.0.0.1:" + closedPort + "\" }\n"
                + "defaultBackend: legacy\n";
    }
}
