package dev.strangler.daprdouble.support;

import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.daprdouble.config.DeliverySettings;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;

import java.nio.file.Path;
import java.time.Duration;

/** Test wiring: the repository's real component files, fast delivery settings, and a real SDK client per app-id. */
public final class Sidecars {

    /** The components `dapr run -f .` uses; tests run with the module directory as working directory. */
    public static final Path REPOSITORY_COMPONENTS = Path.of("..", "dapr", "components");

    /** Three attempts with short back-off keep retry and dead-letter tests quick. */
    public static final DeliverySettings FAST_DELIVERY = new DeliverySettings(3, Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofMillis(200), 1);

    private Sidecars() {
    }

    public static DaprSidecarDouble.Builder builder() {
        return DaprSidecarDouble.builder().resourcesPath(REPOSITORY_COMPONENTS).delivery(FAST_DELIVERY);
    }

    /** The real Dapr Java SDK client, pointed at the double's ports for this app-id. */
    public static DaprClient client(DaprSidecarDouble dapr, String appId) {
        return new DaprClientBuilder()
                .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
                .withPropertyOverride(Properties.GRPC_PORT, String.valueOf(dapr.grpcPort(appId)))
                .withPropertyOverride(Properties.HTTP_PORT, String.valueOf(dapr.httpPort(appId)))
                .build();
    }
}
