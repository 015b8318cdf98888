package dev.strangler.daprdouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpServer;
import dev.strangler.daprdouble.admin.AdminHttpApi;
import dev.strangler.daprdouble.admin.TestHooks;
import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.ComponentLoader;
import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.Resources;
import dev.strangler.daprdouble.config.DeliverySettings;
import dev.strangler.daprdouble.grpc.DaprGrpcApi;
import dev.strangler.daprdouble.http.SidecarHttpApi;
import dev.strangler.daprdouble.invoke.InvocationProxy;
import dev.strangler.daprdouble.persist.DataFile;
import dev.strangler.daprdouble.persist.SnapshotWriter;
import dev.strangler.daprdouble.pubsub.Broker;
import dev.strangler.daprdouble.pubsub.CloudEvents;
import dev.strangler.daprdouble.pubsub.DeadLetter;
import dev.strangler.daprdouble.pubsub.DeliveryControls;
import dev.strangler.daprdouble.pubsub.DeliveryFault;
import dev.strangler.daprdouble.pubsub.Outbox;
import dev.strangler.daprdouble.pubsub.ReorderSettings;
import dev.strangler.daprdouble.pubsub.SubscriberClient;
import dev.strangler.daprdouble.pubsub.Subscription;
import dev.strangler.daprdouble.state.StateStore;
import dev.strangler.daprdouble.state.StateStores;
import dev.strangler.daprdouble.state.StoredItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * A Dapr sidecar test double: one process (or one object in a test) serving several app-ids, each on its own
 * gRPC and HTTP port pair, over shared in-memory state stores and one broker, the way real sidecars share Postgres and Redis.
 * It speaks the protocol the Dapr Java SDK uses; it is not daprd and not a product.
 *
 * <pre>
 * try (DaprSidecarDouble dapr = DaprSidecarDouble.builder()
 *         .resourcesPath(Path.of("dapr/components"))
 *         .app("orders-service", appPort)
 *         .start()) {
 *     System.setProperty("dapr.grpc.port", String.valueOf(dapr.grpcPort("orders-service")));
 *     ...
 * }
 * </pre>
 */
public final class DaprSidecarDouble implements TestHooks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DaprSidecarDouble.class);

    private final ObjectMapper json;
    private final List<ComponentSpec> components;
    private final StateStores stores;
    private final DeliveryControls controls = new DeliveryControls();
    private final Broker broker;
    private final Outbox outbox;
    private final AppPorts appPorts;
    private final Map<String, AppSidecar> sidecars = new LinkedHashMap<>();
    private final ExecutorService httpExecutor;
    private final SnapshotWriter snapshots;
    private final HttpServer admin;

    private DaprSidecarDouble(Builder builder) {
        // Exact decimals: daprd keeps a number's literal form in what it publishes (unmarshalPrecise).
        this.json = new ObjectMapper().registerModule(new JavaTimeModule())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Resources resources = new ComponentLoader().load(builder.resourcesPath);
        this.components = resources.components();
        this.stores = new StateStores(components);
        HttpClient httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        this.appPorts = new AppPorts(builder.apps);
        this.broker = new Broker(components, builder.apps, appPorts, new SubscriberClient(httpClient, json), builder.delivery,
                resources.resiliency(), controls, json, this::changed);
        this.outbox = new Outbox(broker, new CloudEvents(json));
        this.httpExecutor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "dapr-double-http");
            thread.setDaemon(true);
            return thread;
        });
        DataFile dataFile = builder.dataFile == null ? null : new DataFile(builder.dataFile, json);
        HttpServer adminServer = null;
        SnapshotWriter writer = null;
        try {
            if (dataFile != null) {
                dataFile.load().ifPresent(this::restore);
                writer = new SnapshotWriter(dataFile, this::content, Duration.ofMillis(50));
            }
            CloudEvents cloudEvents = new CloudEvents(json);
            InvocationProxy invocations = new InvocationProxy(httpClient, appPorts, resources.resiliency());
            for (AppSpec app : builder.apps) {
                DaprGrpcApi grpcApi = new DaprGrpcApi(app, appPorts, stores, broker, outbox, cloudEvents, components, this::changed);
                SidecarHttpApi httpApi = new SidecarHttpApi(app, appPorts, invocations, broker, cloudEvents, components, json);
                AppSidecar sidecar = new AppSidecar(app, grpcApi, httpApi, httpExecutor);
                sidecars.put(app.appId(), sidecar);
                log.info("event=sidecar-started appId={} appPort={} grpcPort={} httpPort={} note=\"Dapr sidecar test double, not daprd\"",
                        app.appId(), app.appPort(), sidecar.grpcPort(), sidecar.httpPort());
            }
            if (builder.adminPort >= 0) {
                adminServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.adminPort), 0);
                adminServer.createContext("/double/", new AdminHttpApi(this, json));
                adminServer.setExecutor(httpExecutor);
                adminServer.start();
                log.info("event=admin-started port={} paths=/double/status,/double/events,/double/dead-letters,/double/reorder,/double/faults/delivery,/double/faults/state,/double/reset",
                        adminServer.getAddress().getPort());
            }
        } catch (IOException | RuntimeException e) {
            sidecars.values().forEach(AppSidecar::close);
            if (writer != null) {
                writer.close();
            }
            outbox.close();
            broker.close();
            httpExecutor.shutdownNow();
            throw e instanceof IOException io ? new UncheckedIOException("cannot start the admin API", io) : (RuntimeException) e;
        }
        this.snapshots = writer;
        this.admin = adminServer;
        broker.start();
        log.info("event=double-started resourcesPath={} stores={} pubsubs={} dataFile={}", builder.resourcesPath,
                stores.all().stream().map(StateStore::name).toList(),
                broker.pubsubComponents().stream().map(ComponentSpec::name).toList(),
                dataFile == null ? "none (in memory)" : dataFile.path());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int grpcPort(String appId) {
        return sidecar(appId).grpcPort();
    }

    public int httpPort(String appId) {
        return sidecar(appId).httpPort();
    }

    /**
     * Tells the double where an app registered with port 0 listens, once the app has started (an app started on a
     * random port needs the sidecar's ports first). Until then, deliveries to it wait and invocations of it fail.
     */
    public void appPort(String appId, int port) {
        appPorts.set(appId, port);
        log.info("event=app-port-set appId={} appPort={}", appId, port);
    }

    /** The admin API port, or -1 when the double was started without one. */
    public int adminPort() {
        return admin == null ? -1 : admin.getAddress().getPort();
    }

    @Override
    public List<JsonNode> publishedEvents(String topic) {
        return broker.publishedEvents(topic);
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return broker.deadLetters();
    }

    @Override
    public int pendingDeliveries() {
        return broker.pendingDeliveries() + outbox.pendingCount();
    }

    /** What the app answered on its last {@code GET /dapr/subscribe}; empty until it has answered once. */
    public List<Subscription> subscriptions(String appId) {
        sidecar(appId);
        return broker.subscriptions(appId);
    }

    /** Waits until every published message has been acknowledged, dropped or dead-lettered. */
    public void awaitDeliveriesSettled(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingDeliveries() > 0) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(pendingDeliveries() + " deliveries still pending after " + timeout
                        + " (outbox messages awaiting their marker: " + outbox.pendingCount() + ")");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void reorderDeliveries(ReorderSettings settings) {
        controls.reorder(settings);
        log.info("event=test-switch reorder={}", settings);
    }

    @Override
    public void failDeliveries(String appId, DeliveryFault fault) {
        if (!sidecars.containsKey(appId)) {
            throw new IllegalArgumentException("unknown app-id '" + appId + "'; known: " + sidecars.keySet());
        }
        controls.fault(appId, fault);
        log.info("event=test-switch appId={} deliveryFault={}", appId, fault);
    }

    /** Fails this share of deliveries to the app before they are sent, as if the app answered 500. */
    public void failDeliveries(String appId, double probability) {
        failDeliveries(appId, new DeliveryFault(probability, DeliveryFault.Mode.FAIL_BEFORE_SEND));
    }

    @Override
    public void stateStoreUnavailable(String storeName, boolean unavailable) {
        StateStore store = stores.byName(storeName).orElseThrow(() -> new IllegalArgumentException(
                "unknown state store '" + storeName + "'; known: " + stores.all().stream().map(StateStore::name).toList()));
        store.setUnavailable(unavailable);
        log.info("event=test-switch store={} unavailable={}", storeName, unavailable);
    }

    @Override
    public void reset() {
        stores.all().forEach(StateStore::clear);
        broker.reset();
        outbox.reset();
        controls.reset();
        log.info("event=reset");
    }

    @Override
    public Map<String, Object> status() {
        List<Map<String, Object>> apps = new ArrayList<>();
        for (AppSidecar s : sidecars.values()) {
            Map<String, Object> app = new LinkedHashMap<>();
            app.put("appId", s.app().appId());
            app.put("appPort", appPorts.port(s.app().appId()).orElse(0));
            app.put("grpcPort", s.grpcPort());
            app.put("httpPort", s.httpPort());
            app.put("subscriptions", broker.subscriptions(s.app().appId()));
            apps.add(app);
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("apps", apps);
        status.put("pendingDeliveries", pendingDeliveries());
        status.put("pendingOutboxMessages", outbox.pendingCount());
        status.put("deadLetters", broker.deadLetters().size());
        status.put("reorder", controls.reorder());
        status.put("deliveryFaults", controls.faults());
        status.put("unavailableStores", stores.all().stream().filter(StateStore::unavailable).map(StateStore::name).toList());
        return status;
    }

    /** Writes the data file now (it is also written shortly after every change, and on close). */
    public void flush() {
        if (snapshots != null) {
            snapshots.flush();
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.stop(0);
        }
        sidecars.values().forEach(AppSidecar::close);
        outbox.close();
        broker.close();
        if (snapshots != null) {
            snapshots.close();
        }
        httpExecutor.shutdownNow();
        log.info("event=double-stopped");
    }

    private AppSidecar sidecar(String appId) {
        AppSidecar sidecar = sidecars.get(appId);
        if (sidecar == null) {
            throw new IllegalArgumentException("unknown app-id '" + appId + "'; known: " + sidecars.keySet());
        }
        return sidecar;
    }

    private void changed() {
        SnapshotWriter writer = snapshots;
        if (writer != null) {
            writer.markDirty();
        }
    }

    private DataFile.Content content() {
        Map<String, Map<String, StoredItem>> content = new LinkedHashMap<>();
        stores.all().forEach(store -> content.put(store.name(), store.snapshot()));
        return new DataFile.Content(content, broker.snapshot());
    }

    private void restore(DataFile.Content content) {
        content.stores().forEach((name, items) -> stores.byName(name).ifPresentOrElse(
                store -> store.restore(items),
                () -> log.warn("event=restore-skipped store={} reason=\"no such component in the resources path\"", name)));
        broker.restore(content.broker());
        outbox.resume(stores.all(), appPorts.appIds());
        log.info("event=restored stores={} messages={} pendingDeliveries={}", content.stores().keySet(),
                content.broker().events().size(), content.broker().pending().size());
    }

    /** Configures and starts a double. Ports 0 pick free ports; ask {@link #grpcPort} and {@link #httpPort}. */
    public static final class Builder {

        private Path resourcesPath = Path.of("dapr", "components");
        private final List<AppSpec> apps = new ArrayList<>();
        private Path dataFile;
        private int adminPort = -1;
        private DeliverySettings delivery = DeliverySettings.defaults();

        private Builder() {
        }

        public Builder resourcesPath(Path path) {
            this.resourcesPath = path;
            return this;
        }

        /** An app whose port is known only after it started; give it later with {@link #appPort(String, int)}. */
        public Builder app(String appId) {
            return app(new AppSpec(appId, 0, 0, 0));
        }

        public Builder app(String appId, int appPort) {
            return app(new AppSpec(appId, appPort, 0, 0));
        }

        public Builder app(AppSpec app) {
            if (apps.stream().anyMatch(a -> a.appId().equals(app.appId()))) {
                throw new IllegalArgumentException("app-id '" + app.appId() + "' is given twice");
            }
            apps.add(app);
            return this;
        }

        /** Keeps state, messages and pending deliveries in this file, so a restart of the double loses nothing. */
        public Builder dataFile(Path file) {
            this.dataFile = file;
            return this;
        }

        /** Serves the test hooks over HTTP on this port (0 = random); off by default. */
        public Builder adminPort(int port) {
            this.adminPort = port;
            return this;
        }

        public Builder delivery(DeliverySettings settings) {
            this.delivery = settings;
            return this;
        }

        public DaprSidecarDouble start() {
            if (apps.isEmpty()) {
                throw new IllegalStateException("add at least one app: builder.app(\"orders-service\", 8082)");
            }
            return new DaprSidecarDouble(this);
        }
    }
}
