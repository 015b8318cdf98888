package dev.strangler.system.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strangler.system.support.Repo;

/**
 * Runs the benchmark harness end to end in smoke mode (a few seconds per case) and checks that it measured every
 * case of issue 6 and wrote its table and JSON. It asserts what ran, never how fast: benchmarks are not tests.
 */
class BenchHarnessSmokeTest {

    private static final long RUN_LIMIT_MINUTES = 20;

    private static final List<String> CASES = List.of(
            "c64:direct", "c64:nginx", "c64:reactor-netty", "c64:stock-scg", "c64:gateway",
            "c1:direct", "c1:nginx", "c1:reactor-netty", "c1:stock-scg", "c1:gateway",
            "routes:gateway", "routes:gateway@100", "routes:gateway@1000", "routes:gateway@5000",
            "routes:stock-scg", "routes:stock-scg@1000", "reload:gateway@100",
            "stages:nginx", "stages:stage-migrated", "stages:stage-canary", "stages:stage-guarded", "stages:stage-shadow");

    @Test
    void smokeRunMeasuresEveryCaseAndWritesTheTableAndJson() throws Exception {
        requireDebianPackages();
        Path out = Repo.target("bench-smoke");
        Path log = Repo.target("bench-smoke.log");
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("results.md"));
        Files.deleteIfExists(out.resolve("results.json"));

        int exit = runHarness(out, log);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exit).as("bench/run.sh --smoke exit code; its output:%n%s", tail(output, 80)).isZero();

        assertThat(output).contains("nproc: ", "| figure | direct call | nginx proxy | bare Reactor Netty | stock SCG | gateway |");
        String md = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        assertThat(md).contains("SMOKE RUN",
                "| throughput, 64 connections (req/s) |",
                "| latency p50 / p99, 1 connection (ms) |",
                "| throughput at 64 connections, gateway / nginx |",
                "| throughput at 64 connections, gateway / stock SCG |",
                "| gateway@1,000 routes / gateway@1 route |",
                "| failed requests during hot reloads |",
                "| gateway RSS under load (MB) |",
                "| process start to first routed request, on the proxy's core(s) (ms) |",
                "| process start to first routed request, on all cores (ms) |",
                "| the same, started as the image starts it (Spring AOT, CDS archive), proxy's core(s) / all cores (ms) |",
                "| 5,000 |",
                "#### Migration stages",
                "| canary 50%, cookie-sticky |",
                "| shadow 10% / nginx |");

        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.path("kind").asText()).isEqualTo("smoke");
        assertThat(json.path("environment").path("nproc").asInt()).isPositive();
        List<String> ids = new ArrayList<>();
        for (JsonNode c : json.path("cases")) {
            ids.add(c.path("id").asText());
            assertThat(c.path("runs")).as("runs of %s", c.path("id")).isNotEmpty();
            // At 64 connections a cold JVM on a busy machine may complete nothing in a smoke run's 2 s;
            // one connection always gets answers, so those runs prove each target was really reached.
            if (c.path("id").asText().startsWith("c1:")) {
                for (JsonNode run : c.path("runs")) {
                    assertThat(run.path("requests").asLong()).as("requests served in %s", c.path("id")).isPositive();
                }
            }
        }
        assertThat(ids).containsAll(CASES);
        JsonNode figures = json.path("figures");
        assertThat(figures.path("reload.rewrites").asLong()).as("routes.yaml rewrites during the reload case").isPositive();
        assertThat(figures.path("reload.final_table_served").asBoolean())
                .as("the gateway serves the last routes.yaml the reload case wrote").isTrue();
        assertThat(json.path("startToFirstRoutedRequestMs").path("gateway")).isNotEmpty();
        assertThat(json.path("startToFirstRoutedRequestMs").path("stock-scg")).isNotEmpty();
        assertThat(json.path("startToFirstRoutedRequestMs").path("gateway/all-cores")).isNotEmpty();
        assertThat(json.path("startToFirstRoutedRequestMs").path("gateway-image/all-cores")).isNotEmpty();
        assertThat(json.path("targets")).hasSize(6);
        List<String> stageFigures = new ArrayList<>();
        json.path("stageTargets").forEach(t -> stageFigures.add(t.path("figure").asText()));
        assertThat(stageFigures).containsExactly("canary / nginx", "migrated with fallback and retries / nginx",
                "shadow 10% / nginx", "failed requests, every stage",
                "peak RSS of the stage gateway under load, -Xmx256m (MB)");
    }

    /** The gateway's jar comes from this reactor build; the harness and stock Spring Cloud Gateway are built by run.sh. */
    private static int runHarness(Path out, Path log) throws IOException, InterruptedException {
        Path root = Repo.root();
        Process p = new ProcessBuilder("bash", root.resolve("bench/run.sh").toString(), "--smoke", "--skip-gateway-build",
                "--out", out.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("bench/run.sh --smoke did not finish within " + RUN_LIMIT_MINUTES + " minutes; its output:\n"
                    + tail(Files.readString(log, StandardCharsets.UTF_8), 80));
        }
        return p.exitValue();
    }

    private static void requireDebianPackages() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("nginx", "wrk")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            fail("the benchmark harness needs " + String.join(" and ", missing) + ": install the Debian package(s) "
                    + String.join(" ", missing) + " (apt-get install -y " + String.join(" ", missing) + ")");
        }
    }

    private static boolean onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        return dirs.stream().anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
