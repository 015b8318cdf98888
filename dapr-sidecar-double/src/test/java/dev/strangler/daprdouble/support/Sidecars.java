package dev.strangler.daprdouble.support;

import dev.strangler.daprdouble.DaprSidecarDouble;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Test wiring: the repository's real component files with a chosen Resiliency, and a real SDK client per app-id. */
public final class Sidecars {

    /** The components `dapr run -f .` uses; tests run with the module directory as working directory. */
    public static final Path REPOSITORY_COMPONENTS = Path.of("..", "dapr", "components");

    /**
     * Three attempts 20 ms apart keep retry and dead-letter tests quick. The knob is daprd's own: a Resiliency
     * retry policy for the pubsub component's inbound deliveries.
     */
    public static final String FAST_RETRIES = resiliency("constant", "20ms", 2);

    private Sidecars() {
    }

    /** The repository's components with {@link #FAST_RETRIES} in place of the repository's Resiliency. */
    public static DaprSidecarDouble.Builder builder() {
        return DaprSidecarDouble.builder().resourcesPath(resources("fast-retries", FAST_RETRIES));
    }

    /** A retry policy for pubsub "pubsub" inbound deliveries and for invocations of legacy-monolith. */
    public static String resiliency(String policy, String duration, int maxRetries) {
        return """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: test
                spec:
                  policies:
                    retries:
                      quick:
                        policy: %s
                        duration: %s
                        maxInterval: %s
                        maxRetries: %d
                  targets:
                    apps:
                      legacy-monolith:
                        retry: quick
                    components:
                      pubsub:
                        inbound:
                          retry: quick
                """.formatted(policy, duration, duration, maxRetries);
    }

    /**
     * A resources directory under target/ holding the repository's components and {@code resiliency} (none when
     * null) instead of the repository's Resiliency resource.
     */
    public static Path resources(String name, String resiliency) {
        Path dir = Path.of("target", "dapr-resources", name);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            try (Stream<Path> files = Files.list(REPOSITORY_COMPONENTS)) {
                for (Path file : files.toList()) {
                    if (!Files.readString(file).contains("kind: Resiliency")) {
                        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (resiliency != null) {
                Files.writeString(dir.resolve("resiliency.yaml"), resiliency);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        return dir;
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
