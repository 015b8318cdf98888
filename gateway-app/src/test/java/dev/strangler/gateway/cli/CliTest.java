package dev.strangler.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path file(String yaml) throws Exception {
        Path f = dir.resolve("routes.yaml");
        Files.writeString(f, """
                backends:
                  legacy: { url: "http://legacy:8081" }
                  orders: { url: "http://orders:8082" }
                defaultBackend: legacy
                routes:
                """ + yaml);
        return f;
    }

    @Test
    void validateExitsZeroAndCountsRoutesForAGoodFile() throws Exception {
        Run run = run("--validate", file("  - { id: a, paths: [/a], stage: legacy }\n").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("OK: 1 routes");
    }

    @Test
    void validateExitsOneAndPrintsLocatedErrorsForABadFile() throws Exception {
        Run run = run("--validate", file("  - { id: a, paths: [/a], stage: lgacy }\n").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("routes.yaml:6:34: unknown stage 'lgacy'", "INVALID: 1 error(s)");
    }

    @Test
    void validateExitsOneForAMissingFileAndTwoForBadUsage() {
        assertThat(run("--validate", dir.resolve("nope.yaml").toString()).exit()).isEqualTo(1);
        assertThat(run("--explain", "only-a-file").exit()).isEqualTo(2);
    }

    @Test
    void explainNamesTheRouteWhyItWonAndTheUrlItCalls() throws Exception {
        Path f = file("""
                  - id: orders-api
                    paths: [/api/orders/**]
                    backend: orders
                    stage: migrated
                    rewrite: { prefix: /api/orders, to: /orders }
                  - id: everything
                    paths: [/api/**]
                    stage: legacy
                  - id: by-id
                    paths: ["/api/{resource}/{id}"]
                    stage: legacy
                """);
        Run run = run("--explain", f.toString(), "get", "/api//orders/42");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("normalized path: /api/orders/42")
                .contains("route: orders-api (", "stage migrated, pattern /api/orders/**")
                .contains("backend: orders -> http://orders:8082/orders/42")
                .contains("by-id (/api/{resource}/{id}): at segment 2, literal \"orders\" beats {variable}")
                .contains("everything (/api/**): at segment 2, literal \"orders\" beats **");
    }

    @Test
    void explainShowsTheDefaultRouteAndRejectedPaths() throws Exception {
        Path f = file("  - { id: a, paths: [/a], stage: legacy }\n");
        assertThat(run("--explain", f.toString(), "GET", "/b").out()).contains("route: default", "backend: legacy -> http://legacy:8081/b");
        assertThat(run("--explain", f.toString(), "GET", "/a%2Fb").out()).contains("rejected with 400");
    }
}
