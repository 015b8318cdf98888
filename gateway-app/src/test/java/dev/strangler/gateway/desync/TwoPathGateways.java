package dev.strangler.gateway.desync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.strangler.gateway.GatewayApplication;
import dev.strangler.gateway.support.RoutesFile;

/** Two gateways on one routes file: one with the direct path, one with {@code strangler.direct-path=false}. */
record TwoPathGateways(ConfigurableApplicationContext direct, ConfigurableApplicationContext springCloudGateway)
        implements AutoCloseable {

    static TwoPathGateways start(String routesYaml) {
        try {
            Path dir = Files.createTempDirectory("two-path-gateways");
            dir.toFile().deleteOnExit();
            RoutesFile routes = new RoutesFile(dir).write(routesYaml);
            return new TwoPathGateways(gateway(routes, true), gateway(routes, false));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigurableApplicationContext gateway(RoutesFile routes, boolean directPath) {
        return new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0", "--management.server.port=0",
                "--strangler.routes-file=" + routes.path(), "--strangler.direct-path=" + directPath, "--strangler.access-log=false");
    }

    /** The public port of the gateway with the direct path on, or off. */
    int port(boolean directPath) {
        ConfigurableApplicationContext gateway = directPath ? direct : springCloudGateway;
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
        direct.close();
        springCloudGateway.close();
    }
}
