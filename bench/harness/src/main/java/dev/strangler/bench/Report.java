package dev.strangler.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the cases of a run into the published figures: the side-by-side table, the ratios against the
 * issue's targets, route-table scaling and hot reload, as Markdown (also printed) and JSON.
 */
final class Report {

    private static final String[] MAIN = {"direct", "nginx", "reactor-netty", "stock-scg", "gateway"};

    private final Settings settings;
    private final Environment env;
    private final Map<String, CaseResult> cases;
    private final Map<String, List<Double>> startMillis;
    private final Boolean reloadFinalTableServed;
    private final Long reloadsApplied;
    private final Instant startedAt;

    /** What the gateway's image-layout starts ran with, as they got it (null if none ran). */
    private final ImageLayout image;

    Report(Settings settings, Environment env, Map<String, CaseResult> cases, Map<String, List<Double>> startMillis,
            Boolean reloadFinalTableServed, Long reloadsApplied, Instant startedAt, ImageLayout image) {
        this.settings = settings;
        this.env = env;
        this.cases = cases;
        this.startMillis = startMillis;
        this.reloadFinalTableServed = reloadFinalTableServed;
        this.reloadsApplied = reloadsApplied;
        this.startedAt = startedAt;
        this.image = image;
    }

    /** The figures the issue asks for, by name; NaN where a case did not run. */
    Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String t : MAIN) {
            f.put("throughput_c64_rps." + t, rps("c64:" + t));
            f.put("p50_c1_ms." + t, fig("c1:" + t, CaseResult::p50Millis));
            f.put("p99_c1_ms." + t, fig("c1:" + t, CaseResult::p99Millis));
            f.put("p50_c64_ms." + t, fig("c64:" + t, CaseResult::p50Millis));
            f.put("p99_c64_ms." + t, fig("c64:" + t, CaseResult::p99Millis));
            f.put("cpu_us_per_request_c64." + t, fig("c64:" + t, CaseResult::cpuMicrosPerRequest));
            f.put("failed_requests_c64." + t, get("c64:" + t).map(CaseResult::totalFailed).orElse(null));
            f.put("failed_requests_c1." + t, get("c1:" + t).map(CaseResult::totalFailed).orElse(null));
            if (!t.equals("direct")) {
                f.put("added_p50_c1_ms." + t, addedLatency(t));
                f.put("peak_rss_mb_c64." + t, fig("c64:" + t, CaseResult::peakRssMb));
            }
        }
        f.put("ratio.gateway_over_nginx", ratio("c64:gateway", "c64:nginx"));
        f.put("ratio.gateway_over_stock_scg", ratio("c64:gateway", "c64:stock-scg"));
        f.put("ratio.stock_scg_over_reactor_netty", ratio("c64:stock-scg", "c64:reactor-netty"));
        f.put("ratio.gateway_over_reactor_netty", ratio("c64:gateway", "c64:reactor-netty"));
        for (int n : settings.routeCounts()) {
            if (n > 1) {
                f.put("ratio.gateway_at_" + n + "_over_at_1", ratio("routes:gateway@" + n, "routes:gateway"));
            }
        }
        f.put("ratio.stock_scg_at_" + settings.stockScalingRoutes() + "_over_at_1",
                ratio("routes:stock-scg@" + settings.stockScalingRoutes(), "routes:stock-scg"));
        get(reloadCaseId()).ifPresent(r -> {
            f.put("reload.throughput_rps", r.throughput());
            f.put("reload.failed_requests", r.totalFailed());
            f.put("reload.requests", r.totalRequests());
            f.put("reload.rewrites", r.runs().stream().mapToLong(RunSample::rewrites).sum());
            f.put("reload.reloads_applied", reloadsApplied != null ? reloadsApplied : r.runs().stream().mapToLong(RunSample::reloadsApplied).sum());
            f.put("reload.final_table_served", reloadFinalTableServed);
            f.put("reload.ratio_over_steady", ratio(reloadCaseId(), "routes:" + r.target()));
        });
        f.put("gateway.peak_rss_mb_under_load", fig("c64:gateway", CaseResult::peakRssMb));
        for (RoutesYaml.StageCase c : RoutesYaml.StageCase.values()) {
            f.put("stages.throughput_rps." + c.routeId(), rps(stageCase(c)));
            f.put("stages.ratio_over_nginx." + c.routeId(), ratio(stageCase(c), STAGES_NGINX));
            f.put("stages.failed_requests." + c.routeId(), get(stageCase(c)).map(CaseResult::totalFailed).orElse(null));
        }
        f.put("stages.throughput_rps.nginx", rps(STAGES_NGINX));
        f.put("stages.peak_rss_mb", cases.keySet().stream().filter(k -> k.startsWith(Bench.STAGES + ":stage-"))
                .mapToDouble(k -> fig(k, CaseResult::peakRssMb)).max().orElse(Double.NaN));
        f.put("start_to_first_routed_ms.gateway", median(startMillis.get("gateway")));
        f.put("start_to_first_routed_ms.stock-scg", median(startMillis.get("stock-scg")));
        f.put("start_to_first_routed_ms.gateway" + Bench.ALL_CORES, median(startMillis.get("gateway" + Bench.ALL_CORES)));
        f.put("start_to_first_routed_ms." + Bench.GATEWAY_IMAGE, median(startMillis.get(Bench.GATEWAY_IMAGE)));
        f.put("start_to_first_routed_ms." + Bench.GATEWAY_IMAGE + Bench.ALL_CORES, median(startMillis.get(Bench.GATEWAY_IMAGE + Bench.ALL_CORES)));
        f.put("start_to_first_routed_ms.stock-scg" + Bench.ALL_CORES, median(startMillis.get("stock-scg" + Bench.ALL_CORES)));
        return f;
    }

    /** The issue's targets with the measured value and whether it is met. */
    List<Map<String, Object>> targets() {
        Map<String, Object> f = figures();
        List<Map<String, Object>> t = new ArrayList<>();
        t.add(target("throughput at 64 connections, gateway / nginx", f.get("ratio.gateway_over_nginx"), ">= 0.35", 0.35, true));
        t.add(target("throughput at 64 connections, gateway / stock SCG", f.get("ratio.gateway_over_stock_scg"), ">= 1.5", 1.5, true));
        t.add(target("gateway@1,000 routes / gateway@1 route", f.get("ratio.gateway_at_1000_over_at_1"), ">= 0.9", 0.9, true));
        t.add(target("failed requests during hot reloads", f.get("reload.failed_requests"), "0", 0, false));
        t.add(target("gateway RSS under load (MB)", f.get("gateway.peak_rss_mb_under_load"), "<= 350", 350, false));
        // The target is the start of a replica as it is deployed: the image (Spring AOT, CDS archive) in a pod whose
        // CPU limit, 2, covers this machine's cores. The other starts are in the side-by-side table.
        String image = "start_to_first_routed_ms." + Bench.GATEWAY_IMAGE + (startMillis.containsKey(Bench.GATEWAY_IMAGE + Bench.ALL_CORES) ? Bench.ALL_CORES : "");
        t.add(target("process start to first routed request, as the image starts it (Spring AOT, CDS archive), "
                + (image.endsWith(Bench.ALL_CORES) ? "on all cores" : "on the proxy's core(s)") + " (ms)", f.get(image), "<= 6000", 6000, false));
        return t;
    }

    /** The targets of issue 16 for the migration stages, measured beside nginx in the same rounds. */
    List<Map<String, Object>> stageTargets() {
        Map<String, Object> f = figures();
        List<Map<String, Object>> t = new ArrayList<>();
        t.add(target("canary / nginx", f.get("stages.ratio_over_nginx." + RoutesYaml.StageCase.CANARY.routeId()), ">= 0.6", 0.6, true));
        t.add(target("migrated with fallback and retries / nginx", f.get("stages.ratio_over_nginx." + RoutesYaml.StageCase.GUARDED.routeId()),
                ">= 0.6", 0.6, true));
        t.add(target("shadow 10% / nginx", f.get("stages.ratio_over_nginx." + RoutesYaml.StageCase.SHADOW.routeId()), ">= 0.4", 0.4, true));
        long failed = 0;
        for (RoutesYaml.StageCase c : RoutesYaml.StageCase.values()) {
            failed += get(stageCase(c)).map(CaseResult::totalFailed).orElse(0L);
        }
        t.add(target("failed requests, every stage", get(stageCase(RoutesYaml.StageCase.MIGRATED)).isPresent() ? failed : null, "0", 0, false));
        t.add(target("peak RSS of the stage gateway under load, " + stagesHeap() + " (MB)", f.get("stages.peak_rss_mb"), "<= 256", 256, false));
        return t;
    }

    private static final String STAGES_NGINX = Bench.STAGES + ":nginx";

    /** The heap the stage gateway ran with: the benchmark's, or the one BENCH_GATEWAY_JAVA_OPTS gave. */
    private String stagesHeap() {
        return settings.gatewayJvmArgs().stream().filter(a -> a.startsWith("-Xmx")).reduce((a, b) -> b).orElse(Bench.STAGES_HEAP);
    }

    private static String stageCase(RoutesYaml.StageCase c) {
        return Bench.STAGES + ":" + c.routeId();
    }

    private void stagesSection(StringBuilder md, Map<String, Object> f) {
        md.append("#### Migration stages (one route per stage in one gateway process, 64 connections, beside nginx in the same rounds)\n\n");
        md.append("| route | throughput (req/s) | / nginx | latency p50 / p99 (ms) | CPU per request (us) | failed requests |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| nginx reverse proxy | %s | 1.00 | %s / %s | %s | %s |%n", num(rps(STAGES_NGINX), 0),
                num(fig(STAGES_NGINX, CaseResult::p50Millis), 2), num(fig(STAGES_NGINX, CaseResult::p99Millis), 2),
                num(fig(STAGES_NGINX, CaseResult::cpuMicrosPerRequest), 1),
                get(STAGES_NGINX).map(c -> Long.toString(c.totalFailed())).orElse("n/a")));
        for (RoutesYaml.StageCase c : RoutesYaml.StageCase.values()) {
            String id = stageCase(c);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s / %s | %s | %s |%n", c.label(), num(rps(id), 0),
                    num(f.get("stages.ratio_over_nginx." + c.routeId()), 2), num(fig(id, CaseResult::p50Millis), 2),
                    num(fig(id, CaseResult::p99Millis), 2), num(fig(id, CaseResult::cpuMicrosPerRequest), 1),
                    get(id).map(r -> Long.toString(r.totalFailed())).orElse("n/a")));
        }
        md.append(String.format(Locale.ROOT, "%nPeak RSS of the stage gateway under load, %s: %s MB.%n%n", stagesHeap(), num(f.get("stages.peak_rss_mb"), 0)));
        md.append("| target of issue 16 | measured | target | met |\n|---|---:|---:|---|\n");
        targetRows(md, stageTargets());
        md.append('\n');
    }

    private static void targetRows(StringBuilder md, List<Map<String, Object>> targets) {
        for (Map<String, Object> t : targets) {
            md.append("| ").append(t.get("figure")).append(" | ").append(num(t.get("measured"), decimalsFor(t.get("measured")))).append(" | ")
                    .append(t.get("target")).append(" | ").append(t.get("met") == null ? "not measured" : (Boolean) t.get("met") ? "yes" : "**no**")
                    .append(" |\n");
        }
    }

    String markdown() {
        Map<String, Object> f = figures();
        StringBuilder md = new StringBuilder();
        if (settings.smoke()) {
            md.append("> SMOKE RUN: ").append(settings.duration().toSeconds()).append(" s per case, ").append(settings.runs())
                    .append(" run(s). It checks that the harness works; its numbers are not measurements.\n\n");
        }
        double load = env.oneMinuteLoadAtStart();
        if (!settings.smoke() && load > 1.5) {
            md.append(String.format(Locale.ROOT, "> **The machine was busy (load average %.2f at the start): these numbers are noisy.**%n%n", load));
        }
        md.append(String.format(Locale.ROOT, "Run %s, commit %s. `nproc` = %d (%s). %s.%n", startedAt, env.commit(), env.cpus(),
                env.cpuModel(), capitalize(env.layout().describe())));
        md.append(String.format(Locale.ROOT, "%s; %s; %s. Median of %d run(s) of %d s, after a warm-up per target that ends once two 10 s slices agree within 5%% (at most %d s);"
                + " targets measured round-robin. Load average at start: %s, at end: %s.%n%n",
                env.javaVersion(), env.nginxVersion(), env.wrkVersion(), settings.runs(), settings.duration().toSeconds(),
                settings.warmup().toSeconds(), env.loadAverageAtStart(), Environment.loadAverage()));
        if (image != null) {
            md.append(String.format(Locale.ROOT, "The gateway under load starts as its image does, with `JAVA_TOOL_OPTIONS=\"%s\"` "
                    + "(%s) and, as the memory its JVM sees, the pod's limit of %d MiB (%s).%n%n",
                    image.toolOptions(), ImageLayout.DOCKERFILE, image.podMemoryMi(), ImageLayout.DEPLOYMENT));
        }
        if (!settings.gatewayJvmArgs().isEmpty()) {
            md.append("Gateway JVM options: `").append(String.join(" ", settings.gatewayJvmArgs())).append("`.\n\n");
        }
        if (settings.stagesOnly()) {
            stagesSection(md, f);
            return md.toString();
        }

        md.append("#### Side by side (same nginx backend returning a small JSON)\n\n");
        md.append("Throughput counts successful (2xx/3xx) answers only. Failed requests are wrk's non-2xx/3xx answers,"
                + " socket errors and timeouts. Under load the gateway runs as its image runs it (Spring AOT, CDS archive);"
                + " stock SCG runs with `java -jar`.\n\n");
        md.append("| figure | direct call | nginx proxy | bare Reactor Netty | stock SCG | gateway |\n|---|---:|---:|---:|---:|---:|\n");
        row(md, "throughput, 64 connections (req/s)", t -> num(f.get("throughput_c64_rps." + t), 0));
        row(md, "failed requests at 64 / at 1 connection (all runs)", t -> get("c64:" + t).map(c -> Long.toString(c.totalFailed())).orElse("n/a")
                + " / " + get("c1:" + t).map(c -> Long.toString(c.totalFailed())).orElse("n/a"));
        row(md, "latency p50 / p99, 1 connection (ms)", t -> num(f.get("p50_c1_ms." + t), 2) + " / " + num(f.get("p99_c1_ms." + t), 2));
        row(md, "latency p50 / p99, 64 connections (ms)", t -> num(f.get("p50_c64_ms." + t), 2) + " / " + num(f.get("p99_c64_ms." + t), 2));
        row(md, "added p50 latency vs direct, 1 connection (ms)", t -> t.equals("direct") ? "-" : num(f.get("added_p50_c1_ms." + t), 2));
        row(md, "CPU time per request, 64 connections (us, serving process)", t -> num(f.get("cpu_us_per_request_c64." + t), 1));
        row(md, "peak RSS under load (MB)", t -> t.equals("direct") ? "-" : num(f.get("peak_rss_mb_c64." + t), 0));
        row(md, "process start to first routed request, on the proxy's core(s) (ms)", t -> t.equals("gateway") || t.equals("stock-scg")
                ? num(f.get("start_to_first_routed_ms." + t), 0) : "-");
        if (startMillis.containsKey("gateway" + Bench.ALL_CORES)) {
            row(md, "process start to first routed request, on all cores (ms)", t -> t.equals("gateway") || t.equals("stock-scg")
                    ? num(f.get("start_to_first_routed_ms." + t + Bench.ALL_CORES), 0) : "-");
        }
        row(md, "the same, started as the image starts it (Spring AOT, CDS archive), proxy's core(s) / all cores (ms)", t -> t.equals("gateway")
                ? num(f.get("start_to_first_routed_ms." + Bench.GATEWAY_IMAGE), 0) + " / "
                        + num(f.get("start_to_first_routed_ms." + Bench.GATEWAY_IMAGE + Bench.ALL_CORES), 0) : "-");
        md.append('\n');

        md.append("#### Ratios and the targets of issue 6\n\n| figure | measured | target | met |\n|---|---:|---:|---|\n");
        targetRows(md, targets());
        md.append(String.format(Locale.ROOT, "For scale: stock SCG reaches %s of the bare Reactor Netty proxy's throughput, and the gateway %s.%n%n",
                num(f.get("ratio.stock_scg_over_reactor_netty"), 2), num(f.get("ratio.gateway_over_reactor_netty"), 2)));

        md.append("#### Route-table scaling (64 connections, requests to the last-declared route)\n\n");
        md.append("| routes | gateway (req/s) | gateway@N / gateway@1 | gateway failed requests | gateway peak RSS (MB) | stock SCG (req/s) | stock@N / stock@1 |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int n : settings.routeCounts()) {
            String gw = n == 1 ? "routes:gateway" : "routes:gateway@" + n;
            String st = n == 1 ? "routes:stock-scg" : n == settings.stockScalingRoutes() ? "routes:stock-scg@" + n : null;
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s |%n", n, num(rps(gw), 0),
                    num(ratio(gw, "routes:gateway"), 2), get(gw).map(c -> Long.toString(c.totalFailed())).orElse("n/a"),
                    num(fig(gw, CaseResult::peakRssMb), 0),
                    st == null ? "-" : num(rps(st), 0), st == null ? "-" : num(ratio(st, "routes:stock-scg"), 2)));
        }
        md.append('\n');

        if (get(stageCase(RoutesYaml.StageCase.MIGRATED)).isPresent()) {
            stagesSection(md, f);
        }

        get(reloadCaseId()).ifPresent(r -> {
            md.append(String.format(Locale.ROOT, "#### Hot reload (%,d routes, routes.yaml replaced every %d ms by an atomic rename, 64 connections)%n%n",
                    r.routes(), settings.rewriteEvery().toMillis()));
            md.append("| throughput (req/s) | vs the same table without reloads | failed requests | requests | rewrites | reloads applied | last table served |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---|\n");
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %s | %s | %s |%n%n", num(r.throughput(), 0),
                    num(f.get("reload.ratio_over_steady"), 2), r.totalFailed(), r.totalRequests(), f.get("reload.rewrites"),
                    f.get("reload.reloads_applied"), reloadFinalTableServed == null ? "-" : reloadFinalTableServed ? "yes" : "**no**"));
        });
        return md.toString();
    }

    Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("kind", settings.smoke() ? "smoke" : settings.stagesOnly() ? "stages" : "full");
        j.put("startedAt", startedAt.toString());
        j.put("environment", env.toMap());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", settings.runs());
        s.put("warmupSeconds", settings.warmup().toSeconds());
        s.put("durationSeconds", settings.duration().toSeconds());
        s.put("highConcurrency", Settings.HIGH_CONCURRENCY);
        s.put("routeCounts", settings.routeCounts());
        s.put("rewriteEveryMs", settings.rewriteEvery().toMillis());
        s.put("gatewayJvmArgs", settings.gatewayJvmArgs());
        if (image != null) {
            s.put("gatewayImageToolOptions", image.toolOptions());
            s.put("gatewayPodMemoryMi", image.podMemoryMi());
        }
        j.put("settings", s);
        j.put("figures", figures());
        j.put("targets", targets());
        j.put("stageTargets", stageTargets());
        List<Map<String, Object>> cs = new ArrayList<>();
        for (CaseResult c : cases.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("target", c.target());
            m.put("routes", c.routes());
            m.put("connections", c.connections());
            Map<String, Object> med = new LinkedHashMap<>();
            med.put("throughputRps", c.throughput());
            med.put("p50Ms", c.p50Millis());
            med.put("p99Ms", c.p99Millis());
            med.put("cpuMicrosPerRequest", c.cpuMicrosPerRequest());
            med.put("peakRssMb", c.peakRssMb());
            m.put("median", med);
            m.put("failedRequests", c.totalFailed());
            List<Map<String, Object>> runs = new ArrayList<>();
            for (RunSample r : c.runs()) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("requests", r.wrk().requests());
                rm.put("durationMicros", r.wrk().durationMicros());
                rm.put("throughputRps", r.wrk().throughput());
                rm.put("p50Ms", r.wrk().p50Micros() / 1000);
                rm.put("p90Ms", r.wrk().p90Micros() / 1000);
                rm.put("p99Ms", r.wrk().p99Micros() / 1000);
                rm.put("meanMs", r.wrk().meanMicros() / 1000);
                rm.put("non2xx3xx", r.wrk().statusErrors());
                rm.put("socketErrors", Map.of("connect", r.wrk().connectErrors(), "read", r.wrk().readErrors(),
                        "write", r.wrk().writeErrors(), "timeout", r.wrk().timeouts()));
                rm.put("cpuMicrosPerRequest", r.cpuMicrosPerRequest());
                rm.put("peakRssMb", r.peakRssKb() / 1024.0);
                if (c.id().startsWith("reload:")) {
                    rm.put("rewrites", r.rewrites());
                    rm.put("reloadsApplied", r.reloadsApplied());
                }
                runs.add(rm);
            }
            m.put("runs", runs);
            cs.add(m);
        }
        j.put("cases", cs);
        j.put("startToFirstRoutedRequestMs", startMillis);
        return j;
    }

    private String reloadCaseId() {
        return cases.keySet().stream().filter(k -> k.startsWith("reload:")).findFirst().orElse("reload:none");
    }

    private Map<String, Object> target(String figure, Object measured, String text, double bound, boolean atLeast) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("figure", figure);
        m.put("measured", measured);
        m.put("target", text);
        Boolean met = null;
        if (measured instanceof Number n && !Double.isNaN(n.doubleValue())) {
            met = atLeast ? n.doubleValue() >= bound : n.doubleValue() <= bound;
        }
        m.put("met", met);
        return m;
    }

    private void row(StringBuilder md, String label, java.util.function.Function<String, String> cell) {
        md.append("| ").append(label);
        for (String t : MAIN) {
            md.append(" | ").append(cell.apply(t));
        }
        md.append(" |\n");
    }

    private Double addedLatency(String t) {
        var proxy = get("c1:" + t);
        var direct = get("c1:direct");
        return proxy.isPresent() && direct.isPresent() ? proxy.get().p50Millis() - direct.get().p50Millis() : Double.NaN;
    }

    private double fig(String id, java.util.function.ToDoubleFunction<CaseResult> metric) {
        return get(id).map(metric::applyAsDouble).orElse(Double.NaN);
    }

    private java.util.Optional<CaseResult> get(String id) {
        return java.util.Optional.ofNullable(cases.get(id)).filter(c -> !c.runs().isEmpty());
    }

    private double rps(String id) {
        return fig(id, CaseResult::throughput);
    }

    private double ratio(String a, String b) {
        return rps(a) / rps(b);
    }

    private static double median(List<Double> values) {
        return values == null ? Double.NaN : Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Counts print whole; ratios with two decimals; milliseconds and megabytes whole. */
    private static int decimalsFor(Object v) {
        if (v instanceof Long || v instanceof Integer) {
            return 0;
        }
        return v instanceof Number n && Math.abs(n.doubleValue()) >= 100 ? 0 : 2;
    }

    private static String num(Object v, int decimals) {
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", n.doubleValue());
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
