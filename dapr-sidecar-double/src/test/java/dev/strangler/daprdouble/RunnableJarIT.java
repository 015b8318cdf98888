package dev.strangler.daprdouble;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.client.domain.State;
import io.dapr.config.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar ./dev.sh runs: started as a real process, stopped with SIGTERM, started again on the same data file. */
class RunnableJarIT {

    private static final Pattern STARTED = Pattern.compile("event=sidecar-started appId=(\\S+) appPort=\\d+ grpcPort=(\\d+) httpPort=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void processRestartOnTheSameDataFileKeepsState() throws Exception {
        Path dataFile = dir.resolve("dapr-state.json");

        Running first = start(dataFile);
        String etag;
        try (DaprClient client = client(first.ports().get("orders-service"))) {
            client.waitForSidecar(5000).block();
            client.saveState("statestore", "order-1", Map.of("status", "NEW")).block();
            etag = client.getState("statestore", "order-1", Map.class).block().getEtag();
        } finally {
            first.stop();
        }
        assertThat(first.exitCode()).as("SIGTERM ends the double cleanly").isIn(0, 143);
        assertThat(Files.readString(dataFile)).contains("orders-service||order-1");

        Running second = start(dataFile);
        try (DaprClient client = client(second.ports().get("orders-service"))) {
            State<Map> order = client.getState("statestore", "order-1", Map.class).block();
            assertThat(order.getValue()).containsEntry("status", "NEW");
            assertThat(order.getEtag()).as("the ETag survives the restart").isEqualTo(etag);
        } finally {
            second.stop();
        }
    }

    private record Running(Process process, Map<String, int[]> ports) {
        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        int exitCode() {
            return process.exitValue();
        }
    }

    private Running start(Path dataFile) throws IOException, InterruptedException {
        Path jar = Path.of("target", "dapr-sidecar-double.jar");
        assertThat(jar).as("built by `mvn package`").exists();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--resources-path", "../dapr/components", "--data-file", dataFile.toString(),
                "--app", "orders-service=1", "--app", "legacy-monolith=2")
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Map<String, int[]> ports = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ports.size() < 2 && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    ports.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
                }
            }
        }
        assertThat(ports).as("one start line per app, with its ports").containsOnlyKeys(List.of("orders-service", "legacy-monolith"));
        return new Running(process, ports);
    }

    private static DaprClient client(int[] ports) {
        return new DaprClientBuilder()
                .withPropertyOverride(Properties.GRPC_PORT, String.valueOf(ports[0]))
                .withPropertyOverride(Properties.HTTP_PORT, String.valueOf(ports[1]))
                .build();
    }
}
