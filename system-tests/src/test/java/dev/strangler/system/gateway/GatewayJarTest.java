package dev.strangler.system.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strangler.system.support.Repo;

/** The gateway's jar as users run it: its CLI exit codes, and refusing to start on a bad routes file. */
class GatewayJarTest {

    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    Result java(List<String> args, String... env) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", Repo.appJar("gateway-app").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    Path routes(String stage) throws IOException {
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                backends:
                  legacy: { url: "http://127.0.0.1:8081" }
                  orders: { url: "http://127.0.0.1:8082" }
                defaultBackend: legacy
                routes:
                  - id: orders-api
                    paths: [/api/orders, /api/orders/**]
                    backend: orders
                    stage: %s
                    timeout: 3x
                """.formatted(stage));
        return file;
    }

    @Test
    void validateExitsZeroForTheRepositorysRoutesFile() throws Exception {
        Result r = java(List.of("--validate", Repo.root().resolve("gateway-app/config/routes.yaml").toString()));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("OK: ");
    }

    @Test
    void validateExitsOneAndListsEveryErrorWithItsLocation() throws Exception {
        Result r = java(List.of("--validate", routes("migrate").toString()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("routes.yaml:9:12: unknown stage 'migrate'", "routes.yaml:10:14: timeout \"3x\" is not a duration",
                "INVALID: 2 error(s)");
    }

    @Test
    void explainPrintsTheChosenRouteAndBackendUrl() throws Exception {
        Path file = routes("migrated");
        Files.writeString(file, Files.readString(file).replace("    timeout: 3x\n", ""));
        Result r = java(List.of("--explain", file.toString(), "GET", "/api/orders/7"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("route: orders-api", "backend: orders -> http://127.0.0.1:8082/api/orders/7");
    }

    @Test
    void gatewayRefusesToStartOnAnInvalidRoutesFileAndSaysWhy() throws Exception {
        Result r = java(List.of("--server.port=0", "--management.server.port=0"), "STRANGLER_ROUTES_FILE", routes("nope").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("APPLICATION FAILED TO START", "routes.yaml:9:12: unknown stage 'nope'",
                "routes.yaml:10:14: timeout \"3x\" is not a duration", "--validate");
        assertThat(r.output()).doesNotContain("\tat dev.strangler");
    }
}
