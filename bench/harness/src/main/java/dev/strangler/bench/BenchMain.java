package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Entry point of bench/run.sh: {@code java -jar bench-harness.jar [--smoke | --profile] [options]}.
 * Writes results.md and results.json (or, with --profile, a JFR recording and its summary) to the output directory.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        }
        catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(String[] args) {
        Path benchDir = Path.of(System.getProperty("bench.dir", "bench")).toAbsolutePath().normalize();
        Path repoRoot = benchDir.getParent();
        Settings settings = Settings.parse(args, benchDir, repoRoot);
        for (Path jar : new Path[] {settings.gatewayJar(), settings.stockJar()}) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist; build it first (bench/run.sh builds both jars)");
            }
        }
        Environment env = Environment.detect(settings.pin(), repoRoot);
        Instant startedAt = Instant.now();
        Bench.log("nproc: " + env.cpus() + " (" + env.cpuModel() + ")");
        Bench.log("pinning: " + env.layout().describe());
        Bench.log("load average: " + env.loadAverageAtStart() + (settings.smoke() ? "" : loadWarning(env)));
        Bench.log("tools: " + env.javaVersion() + "; " + env.nginxVersion() + "; " + env.wrkVersion());
        Bench.log("runs: " + settings.runs() + " x " + settings.duration().toSeconds() + " s, each target warmed up until steady (at most " + settings.warmup().toSeconds()
                + " s)" + (settings.smoke() ? " (smoke: checks the harness, measures nothing)" : ""));
        Path workDir;
        try {
            workDir = Files.createTempDirectory("strangler-bench-");
            Files.createDirectories(settings.out());
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot create the work directories: " + e.getMessage(), e);
        }
        boolean keepWork = false;
        try (Bench bench = new Bench(settings, env, workDir)) {
            if (settings.profile()) {
                Path recording = bench.profile();
                bench.close();
                String summary = JfrSummary.summarize(recording);
                Files.writeString(settings.out().resolve("profile-summary.txt"), summary);
                Bench.log("");
                Bench.log(summary);
                Bench.log("wrote " + recording + " and " + settings.out().resolve("profile-summary.txt"));
                return 0;
            }
            if (settings.stagesOnly()) {
                bench.runStages();
            }
            else {
                bench.runAll();
            }
            bench.close();
            Report report = new Report(settings, env, bench.cases(), bench.startMillis(), bench.reloadFinalTableServed(), bench.reloadsApplied(), startedAt,
                    bench.imageLayout());
            String md = report.markdown();
            Files.writeString(settings.out().resolve("results.md"), md);
            Files.writeString(settings.out().resolve("results.json"), Json.write(report.json()));
            Bench.log("");
            Bench.log(md);
            Bench.log("wrote " + settings.out().resolve("results.md") + " and " + settings.out().resolve("results.json"));
            return 0;
        }
        catch (IOException e) {
            keepWork = true;
            throw new IllegalStateException("cannot write the results: " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            keepWork = true;
            Bench.log("the run failed; server logs and configs are kept in " + workDir);
            throw e;
        }
        finally {
            if (!keepWork) {
                deleteRecursively(workDir);
            }
        }
    }

    private static String loadWarning(Environment env) {
        return env.oneMinuteLoadAtStart() > 1.5 ? " (WARNING: the machine is busy; expect noisy numbers)" : "";
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
