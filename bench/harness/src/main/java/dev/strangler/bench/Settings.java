package dev.strangler.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one harness run measures and for how long. {@link #smoke} is a few seconds per case, to check that the
 * harness works end to end; {@link #full} is the run whose numbers are published.
 */
record Settings(
        boolean smoke,
        int runs,
        Duration warmup,
        Duration duration,
        List<Integer> routeCounts,
        int stockScalingRoutes,
        Duration rewriteEvery,
        int startSamples,
        CpuLayout.Mode pin,
        Path gatewayJar,
        Path stockJar,
        Path nettyJar,
        Path out,
        List<String> gatewayJvmArgs,
        boolean profile,
        Duration profileDuration,
        boolean stagesOnly,
        Path repoRoot) {

    static final int HIGH_CONCURRENCY = 64;

    static Settings parse(String[] args, Path benchDir, Path repoRoot) {
        boolean smoke = false;
        boolean profile = false;
        boolean stagesOnly = false;
        Integer runs = null;
        Duration warmup = null;
        Duration duration = null;
        Path out = null;
        CpuLayout.Mode pin = CpuLayout.Mode.SPLIT;
        Path gatewayJar = repoRoot.resolve("gateway-app/target/gateway-app.jar");
        Path stockJar = benchDir.resolve("stock-scg/target/stock-scg.jar");
        Path nettyJar = benchDir.resolve("reactor-netty-proxy/target/reactor-netty-proxy.jar");
        List<String> jvmArgs = new ArrayList<>();
        String envOpts = System.getenv("BENCH_GATEWAY_JAVA_OPTS");
        if (envOpts != null && !envOpts.isBlank()) {
            jvmArgs.addAll(List.of(envOpts.trim().split("\\s+")));
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--smoke" -> smoke = true;
                case "--profile" -> profile = true;
                case "--stages" -> stagesOnly = true;
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, a));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
                case "--out" -> out = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--pin" -> pin = CpuLayout.Mode.parse(value(args, ++i, a));
                case "--gateway-jar" -> gatewayJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--stock-jar" -> stockJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + a + "; options: --smoke --profile --stages --runs N"
                        + " --warmup SECONDS --duration SECONDS --out DIR --pin split|none --gateway-jar JAR --stock-jar JAR");
            }
        }
        if (out == null) {
            out = benchDir.resolve(profile ? "results/profile" : smoke ? "results/smoke" : stagesOnly ? "results/stages" : "results");
        }
        int effectiveRuns = runs != null ? runs : smoke ? 1 : 3;
        if (!smoke && effectiveRuns < 3) {
            throw new IllegalArgumentException("a full run takes the median of at least 3 runs; use --smoke for a quick check");
        }
        return new Settings(smoke, effectiveRuns,
                warmup != null ? warmup : Duration.ofSeconds(smoke ? 1 : 120),
                duration != null ? duration : Duration.ofSeconds(smoke ? 2 : 10),
                List.of(1, 100, 1_000, 5_000),
                1_000,
                Duration.ofMillis(500),
                smoke ? 1 : 3,
                pin, gatewayJar, stockJar, nettyJar, out, List.copyOf(jvmArgs), profile,
                Duration.ofSeconds(smoke ? 5 : 30), stagesOnly, repoRoot);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
