package dev.strangler.system.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strangler.system.support.AppProcess;
import dev.strangler.system.support.AppSpec;
import dev.strangler.daprdouble.net.LoopbackPorts;
import dev.strangler.system.support.Repo;

/**
 * The gateway runs one Reactor Netty event loop per CPU it may use, not Reactor Netty's minimum of four, which
 * made loops preempt each other on small pods. The CPU count is set with {@code -XX:ActiveProcessorCount}, as a
 * container's CPU limit would set it, and the loops are counted in a thread dump of the running jar.
 */
class GatewayEventLoopsTest {

    @Test
    void runsOneEventLoopPerAvailableCpu() throws Exception {
        assertThat(eventLoopThreads(AppSpec.of("gateway-app").named("event-loops-1cpu").withJvmArgs("-XX:ActiveProcessorCount=1")))
                .containsExactly("reactor-http-epoll-1");
    }

    @Test
    void anExplicitIoWorkerCountWins() throws Exception {
        assertThat(eventLoopThreads(AppSpec.of("gateway-app").named("event-loops-explicit")
                .withJvmArgs("-XX:ActiveProcessorCount=1", "-Dreactor.netty.ioWorkerCount=3")))
                // Netty starts a loop's thread when a channel first lands on it, so not all three need to exist yet.
                .hasSizeBetween(2, 3).doesNotContain("reactor-http-epoll-4");
    }

    private static List<String> eventLoopThreads(AppSpec spec) throws Exception {
        Path routes = Files.createDirectories(Repo.target("gateway-event-loops")).resolve("routes.yaml");
        int closedPort = LoopbackPorts.free();
        Files.writeString(routes, """
                backends:
                  legacy: { url: "http://127.0.0.1:%d" }
                defaultBackend: legacy
                routes: []
                """.formatted(closedPort));
        try (AppProcess gateway = AppProcess.start(spec
                .withPorts("server.port", "management.server.port")
                .healthCheck("management.server.port", "/actuator/health/readiness")
                .withEnv("STRANGLER_ROUTES_FILE", routes.toString()))) {
            // A request through the public port makes sure the server's loops (not only the management port's) exist.
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(gateway.uri("/anything")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).as("a refused default backend is a 503 from the gateway").isEqualTo(503);
            return threadNames(gateway.pid()).stream().filter(name -> name.startsWith("reactor-http-epoll-")).sorted().toList();
        }
    }

    private static List<String> threadNames(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        assertThat(jcmd).as("jcmd of the JDK running the tests (install openjdk-17-jdk-headless)").isExecutable();
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(dump.getInputStream().readAllBytes());
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dump.exitValue()).as("jcmd Thread.print: %s", out).isZero();
        return out.lines().filter(line -> line.startsWith("\"")).map(line -> line.substring(1, line.indexOf('"', 1))).toList();
    }
}
