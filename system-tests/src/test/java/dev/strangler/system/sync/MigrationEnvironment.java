package dev.strangler.system.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.UnaryOperator;

import dev.strangler.system.contract.OrdersApi;
import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;
import dev.strangler.system.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole migration as real processes: the Dapr double, the monolith, orders-service and the gateway in front,
 * with a routes file the test rewrites (atomically, as an editor would) to move {@code /api/orders}.
 */
final class MigrationEnvironment implements AutoCloseable {

    static final Duration RELOAD = Duration.ofSeconds(30);

    private final DaprStack stack;
    private final AppProcess gateway;
    private final Path routes;

    private MigrationEnvironment(DaprStack stack, AppProcess gateway, Path routes) {
        this.stack = stack;
        this.gateway = gateway;
        this.routes = routes;
    }

    static MigrationEnvironment start(String name) {
        DaprStack stack = DaprStack.start(name, DaprResources.repository(), UnaryOperator.identity());
        try {
            Path routes = Files.createDirectories(Repo.target("app-work", name + "-routes")).resolve("routes.yaml");
            Files.writeString(routes, routesYaml("stage: legacy"), StandardCharsets.UTF_8);
            AppProcess gateway = AppProcess.start(AppSpec.of("gateway-app").named(name + "-gateway")
                    .startTimeout(DaprStack.START_TIMEOUT)
                    .withPorts("server.port", "management.server.port")
                    .healthCheck("management.server.port", "/actuator/health/readiness")
                    .withEnv("STRANGLER_ROUTES_FILE", routes.toString())
                    .withEnv("LEGACY_URL", stack.legacy().baseUrl())
                    .withEnv("ORDERS_URL", stack.orders().baseUrl()));
            return new MigrationEnvironment(stack, gateway, routes);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    DaprStack stack() {
        return stack;
    }

    OrdersApi viaGateway() {
        return new OrdersApi(gateway.uri(""));
    }

    OrdersApi legacy() {
        return new OrdersApi(stack.legacy().uri(""));
    }

    OrdersApi orders() {
        return new OrdersApi(stack.orders().uri(""));
    }

    GatewayClient gatewayClient() {
        return new GatewayClient(gateway.uri(""));
    }

    /** Moves {@code /api/orders} to the given stage and waits until a request of {@code user} is routed to {@code expectedBackend}. */
    void stage(String stageYaml, String user, String expectedBackend) {
        stage(stageYaml);
        await().atMost(RELOAD).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            GatewayClient.Answer probe = gatewayClient().send("GET", "/api/orders?size=1", user, null, null);
            assertThat(probe.backend()).hasValue(expectedBackend);
        });
    }

    /** Rewrites the routes file atomically (temp file, then rename), as an editor would. */
    void stage(String stageYaml) {
        Path temp = routes.resolveSibling("routes.yaml.tmp");
        try {
            Files.writeString(temp, routesYaml(stageYaml), StandardCharsets.UTF_8);
            Files.move(temp, routes, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String routesYaml(String stage) {
        return """
                backends:
                  legacy: { url: "${LEGACY_URL:http://127.0.0.1:1}" }
                  orders: { url: "${ORDERS_URL:http://127.0.0.1:1}" }
                defaultBackend: legacy
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    timeout: 20s
                    %s
                """.formatted(stage);
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            stack.close();
        }
    }
}
