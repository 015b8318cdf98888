package dev.strangler.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.strangler.gateway.GatewayApplication;

/**
 * Running gateways, one per set of routes and properties, shared by every test class that asks for the same set: the
 * first one to ask starts it, and the JVM's exit closes it. A gateway is a whole application on free loopback ports
 * (the public one and the management one), started from a routes file of its own. Its backends should come from
 * {@link Backends}, so that two classes that name the same backends write the same routes and get the same gateway.
 *
 * <p>A test class must leave a shared gateway as it found it: it neither closes it nor rewrites its routes file (a
 * test of reloading starts its own application). Nor may it close an application of its own before the JVM exits:
 * every gateway runs on Reactor Netty's global event loops, as in production, and closing any application stops
 * them ({@code ReactorResourceFactory} with global resources), under the shared gateways too. A gateway found dead
 * is an error that says so.
 */
public final class Gateways {

    /** What tells two gateways apart: the routes table, and the properties in any order. */
    private record Setup(String routes, List<String> properties) {
    }

    private static final Map<Setup, Gateway> RUNNING = new LinkedHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Gateways::closeAll, "gateways-close"));
    }

    private Gateways() {
    }

    /**
     * The gateway for {@code routes} and {@code properties} ({@code name=value}, without the leading dashes), started
     * now if no test class has asked for it before.
     */
    public static synchronized Gateway of(String routes, String... properties) {
        Setup setup = new Setup(routes, Stream.of(properties).sorted().toList());
        Gateway running = RUNNING.get(setup);
        if (running != null && !running.accepts()) {
            throw new IllegalStateException("the shared gateway on port " + running.port() + " no longer accepts connections: a test "
                    + "class closed an application before the JVM's exit, and Reactor Netty's global event loops with it; "
                    + "start it with support/Gateways instead");
        }
        if (running == null) {
            running = start(setup);
            RUNNING.put(setup, running);
        }
        return running;
    }

    /** The same table and properties on both proxy paths: {@code strangler.direct-path} on and off. */
    public static BothPaths onBothPaths(String routes, String... properties) {
        List<String> direct = new ArrayList<>(List.of(properties));
        direct.add("strangler.direct-path=true");
        List<String> chain = new ArrayList<>(List.of(properties));
        chain.add("strangler.direct-path=false");
        return new BothPaths(of(routes, direct.toArray(String[]::new)), of(routes, chain.toArray(String[]::new)));
    }

    private static Gateway start(Setup setup) {
        Path file;
        try {
            Path dir = Files.createTempDirectory("gateway-test");
            dir.toFile().deleteOnExit();
            file = new RoutesFile(dir).write(setup.routes()).path();
            file.toFile().deleteOnExit();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0", "--strangler.routes-file=" + file));
        setup.properties().forEach(p -> args.add("--" + p));
        return new Gateway(new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)));
    }

    private static synchronized void closeAll() {
        RUNNING.values().forEach(g -> g.context().close());
        RUNNING.clear();
    }

    /** One running gateway. */
    public record Gateway(ConfigurableApplicationContext context) {

        public int port() {
            return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        }

        public int managementPort() {
            return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
        }

        boolean accepts() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port()), 2_000);
                return true;
            }
            catch (IOException e) {
                return false;
            }
        }

        /** The URL of {@code path} on the public port. */
        public String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        /** The gateway's Prometheus page, from its management port. */
        public String metrics() {
            return Http.get("http://127.0.0.1:" + managementPort() + "/actuator/prometheus").body();
        }
    }

    /** One table on both proxy paths. */
    public record BothPaths(Gateway direct, Gateway springCloudGateway) {

        public Gateway path(boolean directPath) {
            return directPath ? direct : springCloudGateway;
        }

        /** {@code "direct"} for the direct path, anything else for Spring Cloud Gateway's. */
        public Gateway path(String name) {
            return path(name.equals("direct"));
        }
    }
}
