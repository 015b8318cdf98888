package dev.strangler.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One harness run: starts the backend, nginx, stock Spring Cloud Gateway and the gateway, warms each up, then
 * measures them round-robin (one run of every target per round), so that drift on a shared machine spreads over
 * all targets instead of biasing whichever ran last.
 */
final class Bench implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final Settings settings;
    private final Environment env;
    private final CpuLayout layout;
    private final Path workDir;
    private ImageLayout image;
    private final Wrk wrk;
    private final Probe probe = new Probe();
    private final FreePorts ports = new FreePorts();
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, CaseResult> cases = new LinkedHashMap<>();
    private final Map<String, List<Double>> startMillis = new LinkedHashMap<>();
    private Server backend;
    private String backendUrl;
    private String deadUrl;
    private Boolean reloadFinalTableServed;
    private Long reloadsApplied;

    private final Path gatewayJar;
    private final Path stockJar;

    Bench(Settings settings, Environment env, Path workDir) {
        this.settings = settings;
        this.env = env;
        this.layout = env.layout();
        this.workDir = workDir;
        this.wrk = new Wrk(workDir, layout.loadCpus(), layout.loadThreads(env.cpus()));
        // Copies: a rebuild of gateway-app during a run must not swap classes under a running JVM.
        this.gatewayJar = copy(settings.gatewayJar(), workDir.resolve("gateway-app.jar"));
        this.stockJar = copy(settings.stockJar(), workDir.resolve("stock-scg.jar"));
    }

    private static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from, e);
        }
    }

    Map<String, CaseResult> cases() {
        return cases;
    }

    /** Every figure of issue 6 item 1. */
    void runAll() {
        startBackend();
        measureStartTimes();

        // Started one at a time: JVMs starting together on one pinned core take minutes.
        log("starting the targets: nginx proxy, stock Spring Cloud Gateway, the gateway");
        Server nginx = track(Nginx.proxy(workDir, ports.next(), backend.port(), layout.proxyWorkers(env.cpus()), layout.proxyCpus()));
        Target direct = Target.plain("direct", "direct call", backend, backendUrl + RoutesYaml.lastRoutePath(1), 0);
        Target viaNginx = ready(Target.plain("nginx", "nginx reverse proxy", nginx,
                "http://127.0.0.1:" + nginx.port() + RoutesYaml.lastRoutePath(1), 0));
        Target netty = ready(launchReactorNetty());
        Target stock1 = ready(launchStock(1));
        Target gateway1 = ready(launchGateway("gateway-1", "gateway", 1));
        List<Target> main = List.of(direct, viaNginx, netty, stock1, gateway1);

        log("comparison: throughput and latency at 64 connections and at 1");
        for (Target t : main) {
            warmUp(t);
        }
        for (int round = 1; round <= settings.runs(); round++) {
            for (Target t : main) {
                record(t, Settings.HIGH_CONCURRENCY, "c64");
                record(t, 1, "c1");
            }
        }

        log("route-table scaling: the last-declared route, 64 connections, fresh processes in every round");
        // Every round starts fresh processes for every table size, 1 included, each warmed up the same way. Processes
        // of one jar settle at speeds up to 20% apart on a shared VM, so each run of a size is its own process and the
        // median is over processes. A process kept from the comparison above would also be warmer than the others.
        gateway1.server().close();
        stock1.server().close();
        List<Target> scalingTargets = List.of();
        for (int round = 1; round <= settings.runs(); round++) {
            for (Target t : scalingTargets) {
                t.server().close();
                servers.remove(t.server());
            }
            scalingTargets = new ArrayList<>();
            for (int n : settings.routeCounts()) {
                scalingTargets.add(ready(launchGateway("gateway-scaling-" + n + "-" + round, n == 1 ? "gateway" : "gateway@" + n, n)));
            }
            scalingTargets.add(ready(launchStock(1)));
            scalingTargets.add(ready(launchStock(settings.stockScalingRoutes())));
            for (Target t : scalingTargets) {
                warmUp(t);
            }
            for (Target t : scalingTargets) {
                record(t, Settings.HIGH_CONCURRENCY, "routes");
            }
        }

        log("migration stages: one route per stage in one gateway process, beside nginx, 64 connections");
        measureStages(viaNginx);

        Target reloadTarget = scalingTargets.get(Math.min(1, settings.routeCounts().size() - 1));
        log("hot reload: " + reloadTarget.routes() + " routes, routes.yaml rewritten every " + settings.rewriteEvery().toMillis() + " ms");
        measureReload(reloadTarget);
    }

    /** JFR on the gateway under load (issue 6 item 3): returns the recording. */
    Path profile() {
        startBackend();
        Target gateway = ready(launchGateway("gateway-profiled", "gateway", 1));
        warmUp(gateway);
        Path recording = settings.out().resolve("gateway-under-load.jfr");
        try {
            Files.createDirectories(settings.out());
            Files.deleteIfExists(recording);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long pid = gateway.server().pid();
        jcmd(pid, "JFR.start", "name=bench", "settings=profile");
        log("profiling the gateway under 64 connections for " + settings.profileDuration().toSeconds() + " s");
        WrkResult r = wrk.run(gateway.url(), Settings.HIGH_CONCURRENCY, settings.profileDuration());
        log(String.format("  %.0f req/s, %d failed", r.throughput(), r.failed()));
        jcmd(pid, "JFR.dump", "name=bench", "filename=" + recording);
        jcmd(pid, "JFR.stop", "name=bench");
        return recording;
    }

    private void startBackend() {
        backend = track(Nginx.backend(workDir, ports.next(), layout.backendCpus()));
        backendUrl = "http://127.0.0.1:" + backend.port();
        deadUrl = "http://127.0.0.1:" + ports.next();
        ready(Target.plain("direct", "direct call", backend, backendUrl + RoutesYaml.lastRoutePath(1), 0));
    }

    /**
     * Time from process start to the first correctly routed request: fresh processes, one at a time, once pinned
     * like the load cases (the proxy's core) and once on every core, which is what a start gets when nothing else
     * runs (a pod whose CPU limit is the machine's). Ids of the second kind end in {@link #ALL_CORES}.
     */
    private void measureStartTimes() {
        log("start to first routed request: " + settings.startSamples() + " fresh start(s) each of the gateway and stock Spring Cloud Gateway,"
                + " pinned and on all cores");
        // Unpinned runs already use every core: then there is only one way to start.
        List<String> cpuChoices = layout.proxyCpus() == null ? Collections.singletonList(null) : Arrays.asList(layout.proxyCpus(), null);
        for (int i = 0; i < settings.startSamples(); i++) {
            for (String cpus : cpuChoices) {
                String suffix = cpus == null && layout.proxyCpus() != null ? ALL_CORES : "";
                for (String kind : new String[] {"gateway", GATEWAY_IMAGE, "stock-scg"}) {
                    Target t = switch (kind) {
                        case "gateway" -> launchGateway("gateway-start", "gateway", 1, cpus);
                        case GATEWAY_IMAGE -> launchGateway("gateway-image-start", GATEWAY_IMAGE, 1, cpus, image().javaArgs(), image().environment());
                        default -> launchStock(1, cpus);
                    };
                    double ms = probe.awaitRouted(t.server(), t.url(), t.expectedRoute(), START_TIMEOUT);
                    t.server().close();
                    servers.remove(t.server());
                    log(String.format("  start   %-24s %9.0f ms", t.id() + suffix, ms));
                    startMillis.computeIfAbsent(t.id() + suffix, k -> new ArrayList<>()).add(ms);
                }
            }
        }
    }

    /** Milliseconds from process start to the first routed request, per target id, one entry per fresh start. */
    Map<String, List<Double>> startMillis() {
        return startMillis;
    }

    private void measureReload(Target t) {
        CaseResult result = cases.computeIfAbsent("reload:" + t.id(), id -> new CaseResult(id, t.id(), t.routes(), Settings.HIGH_CONCURRENCY));
        int variant = 1;
        String lastContent = null;
        long reloadsAtStart = t.server().countLogLines("event=routes.reloaded");
        for (int round = 1; round <= settings.runs(); round++) {
            long reloadsBefore = t.server().countLogLines("event=routes.reloaded");
            int first = variant;
            RunSample sample;
            int writes;
            try (RoutesRewriter rewriter = new RoutesRewriter(t.routesFile(),
                    v -> RoutesYaml.gateway(t.routes(), backendUrl, deadUrl, v), settings.rewriteEvery(), first)) {
                sample = measure(t, Settings.HIGH_CONCURRENCY);
                rewriter.close();
                writes = rewriter.writes();
                variant = rewriter.nextVariant(first);
            }
            if (writes > 0) {
                lastContent = RoutesYaml.gateway(t.routes(), backendUrl, deadUrl, variant - 1);
            }
            sleep(SETTLE);
            long reloads = t.server().countLogLines("event=routes.reloaded") - reloadsBefore;
            RunSample withReloads = new RunSample(sample.wrk(), sample.cpuMicrosPerRequest(), sample.peakRssKb(), reloads, writes);
            result.add(withReloads);
            log(String.format("  reload  %-14s %9.0f req/s  failed %d  rewrites %d  reloads applied %d", t.id(),
                    sample.wrk().throughput(), sample.wrk().failed(), writes, reloads));
        }
        if (lastContent != null) {
            // The last rewrite may still be settling; a gateway that never applies it is what this detects.
            String written = sha256(lastContent);
            String served = servedTableHash(t);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!written.equals(served) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
                served = servedTableHash(t);
            }
            reloadFinalTableServed = written.equals(served);
            reloadsApplied = t.server().countLogLines("event=routes.reloaded") - reloadsAtStart;
            if (!reloadFinalTableServed) {
                log("WARNING: after the reload case the gateway serves table " + served + ", not the last one written (" + written + ")");
            }
        }
    }

    /** Reloads the gateway logged over the whole reload case, including the last one that settled after the load. */
    Long reloadsApplied() {
        return reloadsApplied;
    }

    /** Whether the gateway served the last table written in the reload case (null when that case did not run). */
    Boolean reloadFinalTableServed() {
        return reloadFinalTableServed;
    }

    private String servedTableHash(Target t) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + t.managementPort() + "/actuator/migration")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var m = java.util.regex.Pattern.compile("\"contentHash\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(r.body());
            return m.find() ? m.group(1) : "(no contentHash in " + r.statusCode() + " answer)";
        }
        catch (IOException e) {
            return "(" + e + ")";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Load in slices until two slices in a row agree within {@link #STEADY}, or {@code --warmup} runs out. A JVM on
     * one core keeps compiling for a minute or more; a fixed short warm-up measured its JIT, not its steady state.
     */
    private void warmUp(Target t) {
        probe.require(t.label(), t.url(), t.expectedRoute());
        Duration slice = settings.warmup().compareTo(WARMUP_SLICE) < 0 ? settings.warmup() : WARMUP_SLICE;
        Duration spent = Duration.ZERO;
        double previous = -1;
        WrkResult r;
        do {
            r = wrk.run(t.url(), t.header(), Settings.HIGH_CONCURRENCY, slice);
            spent = spent.plus(slice);
            double change = previous <= 0 ? Double.NaN : Math.abs(r.throughput() / previous - 1);
            log(String.format("  warm-up %-14s %9.0f req/s  failed %d  after %3d s", t.id(), r.throughput(), r.failed(), spent.toSeconds()));
            if (change < STEADY) {
                return;
            }
            previous = r.throughput();
        } while (spent.plus(slice).compareTo(settings.warmup()) <= 0);
        log(String.format("  warm-up %-14s not steady after %d s; measuring anyway", t.id(), spent.toSeconds()));
    }

    static final String ALL_CORES = "/all-cores";
    /** The gateway started as its container image starts it: extracted, with its class data sharing archive. */
    static final String GATEWAY_IMAGE = "gateway-image";
    private static final Duration WARMUP_SLICE = Duration.ofSeconds(10);
    private static final double STEADY = 0.05;

    private void record(Target t, int connections, String kind) {
        String id = kind + ":" + t.id();
        CaseResult result = cases.computeIfAbsent(id, k -> new CaseResult(k, t.id(), t.routes(), connections));
        RunSample sample = measure(t, connections);
        result.add(sample);
        log(String.format("  %-7s %-14s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  cpu %6.1f us/req  rss %5.0f MB  failed %d",
                kind, t.id(), sample.wrk().throughput(), sample.wrk().p50Micros() / 1000, sample.wrk().p99Micros() / 1000,
                sample.cpuMicrosPerRequest(), sample.peakRssKb() / 1024.0, sample.wrk().failed()));
    }

    private RunSample measure(Target t, int connections) {
        long pid = t.server().pid();
        double cpuBefore = ProcessProbe.cpuMicros(pid);
        WrkResult r;
        long peak;
        try (RssSampler rss = new RssSampler(pid)) {
            r = wrk.run(t.url(), t.header(), connections, settings.duration());
            rss.close();
            peak = rss.peakKb();
        }
        double cpu = ProcessProbe.cpuMicros(pid) - cpuBefore;
        if (!t.server().isAlive()) {
            throw new IllegalStateException(t.label() + " died under load. Log " + t.server().log() + ":\n" + t.server().logTail(40));
        }
        return new RunSample(r, r.requests() == 0 ? Double.NaN : cpu / r.requests(), peak, 0, 0);
    }

    private Target ready(Target t) {
        probe.awaitRouted(t.server(), t.url(), t.expectedRoute(), START_TIMEOUT);
        return t;
    }

    /** The gateway under load runs as production runs it: from the image's layout, with Spring AOT and its CDS archive. */
    private Target launchGateway(String name, String id, int routes) {
        return launchGateway(name, id, routes, layout.proxyCpus(), image().javaArgs(), image().environment());
    }

    /** The image layout the gateway's starts used, or null if none was laid out. */
    ImageLayout imageLayout() {
        return image;
    }

    private ImageLayout image() {
        if (image == null) {
            log("laying the gateway out as its image does, with a class data sharing archive");
            image = ImageLayout.prepare(env.java(), settings.gatewayJvmArgs(), gatewayJar, settings.repoRoot(), workDir, RoutesYaml.gateway(1, backendUrl, deadUrl));
        }
        return image;
    }

    private Target launchGateway(String name, String id, int routes, String cpus) {
        return launchGateway(name, id, routes, cpus, List.of("-jar", gatewayJar.toString()), Map.of());
    }

    private Target launchGateway(String name, String id, int routes, String cpus, List<String> launch, Map<String, String> environment) {
        GatewayProcess g = startGateway(name, RoutesYaml.gateway(routes, backendUrl, deadUrl), cpus, launch, environment);
        return new Target(id, "the gateway (" + routes + " routes)", g.server(), g.base() + RoutesYaml.lastRoutePath(routes),
                RoutesYaml.routeId(routes - 1), routes, g.routesFile(), g.managementPort(), null);
    }

    /**
     * A gateway process serving {@code table}, started on {@code cpus} with {@code launch} (its jar or image layout) and
     * {@code environment} (the image's JVM options).
     */
    private GatewayProcess startGateway(String name, String table, String cpus, List<String> launch, Map<String, String> environment) {
        Path dir = workDir.resolve(name);
        Path routesFile = dir.resolve("routes.yaml");
        try {
            Files.createDirectories(dir);
            RoutesRewriter.writeAtomically(routesFile, table);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = ports.next();
        int management = ports.next();
        List<String> command = new ArrayList<>(CpuLayout.pin(cpus));
        command.add(env.java().toString());
        command.addAll(settings.gatewayJvmArgs());
        command.addAll(launch);
        command.addAll(List.of("--server.port=" + port,
                "--management.server.port=" + management, "--strangler.routes-file=" + routesFile));
        Server server = track(Server.launch(name, port, command, environment, dir.resolve("gateway.log")));
        return new GatewayProcess(server, "http://127.0.0.1:" + port, management, routesFile);
    }

    private record GatewayProcess(Server server, String base, int managementPort, Path routesFile) {
    }

    /**
     * The migration stages a team spends its risky weeks in, each on a route of its own in one gateway process (run as
     * its image runs it), measured round-robin with nginx in the same rounds. The canary's requests carry a cohort
     * cookie, as a returning user's do; a first visit also draws a key and sets the cookie.
     */
    private void measureStages(Target nginx) {
        // Issue 16's memory target is set for a 256 MB heap; a heap given in BENCH_GATEWAY_JAVA_OPTS wins.
        List<String> launch = new ArrayList<>();
        if (settings.gatewayJvmArgs().stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            launch.add(STAGES_HEAP);
        }
        launch.addAll(image().javaArgs());
        GatewayProcess g = startGateway("gateway-stages", RoutesYaml.stages(backendUrl), layout.proxyCpus(), launch, image().environment());
        List<Target> targets = new ArrayList<>();
        targets.add(nginx);
        for (RoutesYaml.StageCase c : RoutesYaml.StageCase.values()) {
            String header = c == RoutesYaml.StageCase.CANARY ? "Cookie: strangler_cohort=bench-user-1" : null;
            targets.add(ready(new Target(c.routeId(), "the gateway, " + c.label(), g.server(), g.base() + c.path(), c.routeId(), 1,
                    g.routesFile(), g.managementPort(), header)));
        }
        for (Target t : targets) {
            warmUp(t);
        }
        for (int round = 1; round <= settings.runs(); round++) {
            for (Target t : targets) {
                record(t, Settings.HIGH_CONCURRENCY, STAGES);
            }
        }
    }

    /** Only the migration stages beside nginx ({@code --stages}): a quick comparison of two builds of the gateway. */
    void runStages() {
        startBackend();
        Server nginx = track(Nginx.proxy(workDir, ports.next(), backend.port(), layout.proxyWorkers(env.cpus()), layout.proxyCpus()));
        measureStages(ready(Target.plain("nginx", "nginx reverse proxy", nginx,
                "http://127.0.0.1:" + nginx.port() + RoutesYaml.lastRoutePath(1), 0)));
    }

    static final String STAGES = "stages";
    static final String STAGES_HEAP = "-Xmx256m";

    private Target launchReactorNetty() {
        Path dir = workDir.resolve("reactor-netty");
        int port = ports.next();
        List<String> command = new ArrayList<>(CpuLayout.pin(layout.proxyCpus()));
        command.addAll(List.of(env.java().toString(), "-jar", settings.nettyJar().toString(), Integer.toString(port), backendUrl));
        Server server = track(Server.launch("reactor-netty", port, command, Map.of(), dir.resolve("reactor-netty.log")));
        return Target.plain("reactor-netty", "bare Reactor Netty proxy", server, "http://127.0.0.1:" + port + RoutesYaml.lastRoutePath(1), 1);
    }

    private Target launchStock(int routes) {
        return launchStock(routes, layout.proxyCpus());
    }

    private Target launchStock(int routes, String cpus) {
        String name = "stock-scg-" + routes;
        Path dir = workDir.resolve(name);
        Path config = dir.resolve("routes.yml");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, RoutesYaml.stock(routes, backendUrl));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = ports.next();
        List<String> command = new ArrayList<>(CpuLayout.pin(cpus));
        command.add(env.java().toString());
        command.addAll(List.of("-jar", stockJar.toString(), "--server.port=" + port,
                "--spring.config.additional-location=file:" + config));
        Server server = track(Server.launch(name, port, command, Map.of("BACKEND_URL", backendUrl), dir.resolve("stock-scg.log")));
        return Target.plain(routes == 1 ? "stock-scg" : "stock-scg@" + routes, "stock Spring Cloud Gateway (" + routes + " routes)",
                server, "http://127.0.0.1:" + port + RoutesYaml.lastRoutePath(routes), routes);
    }

    private void jcmd(long pid, String... args) {
        List<String> command = new ArrayList<>();
        command.add(env.java().resolveSibling("jcmd").toString());
        command.add(Long.toString(pid));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("jcmd failed: " + command + "\n" + out);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Server track(Server s) {
        servers.add(s);
        return s;
    }

    static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).close();
        }
        servers.clear();
    }
}
