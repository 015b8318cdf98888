package dev.strangler.system.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import dev.strangler.daprdouble.DaprSidecarDouble;
import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;

/**
 * The Dapr side of the migration as real processes: the sidecar double (in this JVM, reading the repository's
 * {@code dapr/components}, state in memory so that every run starts empty, like the monolith's fresh data directory), the monolith's jar and orders-service's jar, each told its sidecar's ports through
 * {@code DAPR_GRPC_PORT} / {@code DAPR_HTTP_PORT}. Closing stops orders-service, the monolith, then the double.
 */
public final class DaprStack implements AutoCloseable {

    public static final String LEGACY_APP_ID = "legacy-monolith";
    public static final String ORDERS_APP_ID = "orders-service";
    /** Generous: on a busy 2-core machine one Spring Boot app can take two minutes to start. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final DaprSidecarDouble dapr;
    private final AppProcess legacy;
    private final AppProcess orders;

    private DaprStack(DaprSidecarDouble dapr, AppProcess legacy, AppProcess orders) {
        this.dapr = dapr;
        this.legacy = legacy;
        this.orders = orders;
    }

    /** Starts everything; {@code name} prefixes log files and working directories. */
    public static DaprStack start(String name) {
        return start(name, DaprResources.repository(), UnaryOperator.identity());
    }

    public static DaprStack start(String name, Path resources, UnaryOperator<AppSpec> legacyCustomizer) {
        return start(name, resources, legacyCustomizer, UnaryOperator.identity());
    }

    /** {@code resources}: the Dapr resources directory, usually {@link DaprResources#repository()}. */
    public static DaprStack start(String name, Path resources, UnaryOperator<AppSpec> legacyCustomizer,
                                  UnaryOperator<AppSpec> ordersCustomizer) {
        DaprSidecarDouble dapr = DaprSidecarDouble.builder()
                .resourcesPath(resources)
                .app(LEGACY_APP_ID)
                .app(ORDERS_APP_ID)
                .start();
        AppProcess legacy = null;
        try {
            legacy = AppProcess.start(legacyCustomizer.apply(withSidecar(AppSpec.of("legacy-monolith-stub")
                    .named(name + "-legacy-monolith").withArgs("--legacy.data-dir=data"), dapr, LEGACY_APP_ID)));
            dapr.appPort(LEGACY_APP_ID, legacy.port());
            AppProcess orders = AppProcess.start(ordersCustomizer.apply(withSidecar(AppSpec.of("orders-service")
                    .named(name + "-orders-service"), dapr, ORDERS_APP_ID)));
            dapr.appPort(ORDERS_APP_ID, orders.port());
            return new DaprStack(dapr, legacy, orders);
        } catch (RuntimeException e) {
            if (legacy != null) {
                legacy.close();
            }
            dapr.close();
            throw e;
        }
    }

    private static AppSpec withSidecar(AppSpec spec, DaprSidecarDouble dapr, String appId) {
        return spec.startTimeout(START_TIMEOUT).withEnv("DAPR_GRPC_PORT", Integer.toString(dapr.grpcPort(appId)))
                .withEnv("DAPR_HTTP_PORT", Integer.toString(dapr.httpPort(appId)))
                .withEnv("DAPR_SIDECAR_IP", "127.0.0.1");
    }

    public DaprSidecarDouble dapr() {
        return dapr;
    }

    public AppProcess legacy() {
        return legacy;
    }

    public AppProcess orders() {
        return orders;
    }

    /** Waits until the double owes no app a delivery. */
    public void awaitDeliveriesSettled(Duration timeout) {
        try {
            dapr.awaitDeliveriesSettled(timeout);
        } catch (Exception e) {
            throw new AssertionError("deliveries did not settle within " + timeout + ": " + dapr.status(), e);
        }
    }

    @Override
    public void close() {
        try {
            orders.close();
        } finally {
            try {
                legacy.close();
            } finally {
                dapr.close();
            }
        }
    }
}
