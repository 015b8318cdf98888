package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.net.httpserver.HttpServer;

import dev.strangler.daprdouble.net.LoopbackPorts;

/**
 * With no Docker engine here, each Dockerfile is checked by doing what it does: its extract command runs
 * on the module's real Boot jar, its COPY layers are merged as the image would merge them, and its
 * ENTRYPOINT starts the app from that tree until the actuator reports it ready.
 */
class DockerfileTest {

    private static final Pattern COPY_LAYER = Pattern.compile("(?m)^COPY --from=layers /build/(\\S+?)/? \\./$");
    private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$");
    private static final Pattern EXTRACT = Pattern.compile(
            "(?m)^RUN (java -Djarmode=tools -jar app\\.jar extract --layers (?:--launcher )?--destination extracted)$");
    /** RUN instructions of the final stage that come after the app's layers: they run in the image's working directory. */
    private static final Pattern RUN_AFTER_LAYERS = Pattern.compile("(?m)^RUN ((?:.*\\\\\n)*.*)$");
    private static final Pattern JAVA_TOOL_OPTIONS = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$");
    private static final Pattern SHARED_ARCHIVE = Pattern.compile("-XX:SharedArchiveFile=([^\"\\s]+)");

    @ParameterizedTest
    @ValueSource(strings = {"gateway-app", "legacy-monolith-stub", "orders-service"})
    void imageRunsAsNonRootWithContainerAwareHeapAndOnlyTheJarInItsContext(String module) {
        String dockerfile = dockerfile(module);
        assertThat(dockerfile).contains("COPY target/" + module + ".jar app.jar").containsPattern(EXTRACT);
        Matcher user = Pattern.compile("(?m)^USER (\\d+)(?::(\\d+))?$").matcher(dockerfile);
        assertThat(user.find()).as("a numeric USER, so runAsNonRoot can verify it").isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        assertThat(dockerfile).containsPattern("(?m)^ENV JAVA_TOOL_OPTIONS=\".*-XX:MaxRAMPercentage=\\d+");
        assertThat(dockerfile).contains("-XX:+ExitOnOutOfMemoryError");
        AppModule app = AppModule.load(module);
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE .*\\b" + app.serverPort() + "\\b");
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE .*\\b" + app.managementPort() + "\\b");
        List<String> ignore = RepositoryLayout.read(RepositoryLayout.resolve(module + "/.dockerignore")).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(ignore).containsExactly("*", "!target/" + module + ".jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-app", "legacy-monolith-stub", "orders-service"})
    void layersExtractedFromTheBuiltJarStartTheAppThroughTheImagesEntrypoint(String module, @TempDir Path work)
            throws Exception {
        Path jar = RepositoryLayout.resolve(module + "/target/" + module + ".jar");
        assertThat(jar).as("build the app first: mvn -B -pl " + module + " -am package").isRegularFile();
        Path build = Files.createDirectories(work.resolve("build"));
        Files.copy(jar, build.resolve("app.jar"));
        Matcher extractLine = EXTRACT.matcher(dockerfile(module));
        assertThat(extractLine.find()).as("the layer extraction step").isTrue();
        List<String> extract = new ArrayList<>(List.of(extractLine.group(1).split(" ")));
        extract.set(0, javaExecutable());
        Process extraction = new ProcessBuilder(extract).directory(build.toFile()).redirectErrorStream(true).start();
        String extractionOutput = new String(extraction.getInputStream().readAllBytes());
        assertThat(extraction.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(extraction.exitValue()).as(extractionOutput).isZero();

        Path image = Files.createDirectories(work.resolve("app"));
        Matcher copy = COPY_LAYER.matcher(dockerfile(module));
        List<String> layers = new ArrayList<>();
        while (copy.find()) {
            layers.add(copy.group(1));
            copyTree(build.resolve(copy.group(1)), image);
        }
        assertThat(layers).containsExactly("extracted/dependencies", "extracted/spring-boot-loader",
                "extracted/snapshot-dependencies", "extracted/application");
        try (Stream<Path> produced = Files.list(build.resolve("extracted"))) {
            assertThat(produced.map(p -> "extracted/" + p.getFileName())).as("every extracted layer is copied")
                    .allMatch(layers::contains);
        }

        String afterLayers = dockerfile(module).substring(dockerfile(module).lastIndexOf("COPY --from=layers"));
        Matcher run = RUN_AFTER_LAYERS.matcher(afterLayers);
        while (run.find()) {
            runAsDockerDoes(dockerfile(module), run.group(1), image, work.resolve("run.log"));
        }

        Matcher entry = ENTRYPOINT.matcher(dockerfile(module));
        assertThat(entry.find()).isTrue();
        List<String> command = new ArrayList<>();
        for (String part : entry.group(1).split(",")) {
            command.add(part.trim().replaceAll("^\"|\"$", ""));
        }
        assertThat(command.get(0)).isEqualTo("java");
        command.set(0, javaExecutable());
        AppModule app = AppModule.load(module);
        int port = LoopbackPorts.free();
        int managementPort = app.managementPort() == app.serverPort() ? port : LoopbackPorts.free();
        command.add("--server.port=" + port);
        if (managementPort != port) {
            command.add("--management.server.port=" + managementPort);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(image.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile());
        builder.environment().put("LEGACY_DATA_DIR", Files.createDirectories(work.resolve("data")).toString());
        builder.environment().put("STRANGLER_ROUTES_FILE", RepositoryLayout.resolve("gateway-app/config/routes.yaml").toString());
        Matcher archive = SHARED_ARCHIVE.matcher(entry.group(1));
        Path classLoading = work.resolve("class-load.log");
        if (archive.find()) {
            assertThat(image.resolve(archive.group(1))).as("the class data sharing archive the entrypoint names").isRegularFile();
            builder.environment().put("JAVA_TOOL_OPTIONS", imageJavaToolOptions(module) + " -Xlog:class+load=info:file=" + classLoading);
        }
        LoopbackReceiver receiver = new LoopbackReceiver();
        if (module.equals("gateway-app")) {
            // A backend and a trace collector given at run time, as compose gives them: the image's bean definitions are
            // fixed when it is built (Spring AOT), and the OTLP exporter must still follow the endpoint it is given.
            builder.environment().put("LEGACY_URL", receiver.url());
            builder.environment().put("MANAGEMENT_OTLP_TRACING_ENDPOINT", receiver.url() + "/v1/traces");
            builder.environment().put("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1.0");
        }
        Process process = builder.start();
        try {
            assertThat(awaitReady(managementPort, process))
                    .as(module + " started from the image layout; log:\n" + tail(work.resolve("app.log")))
                    .isEqualTo(200);
            if (archive.find(0)) {
                assertThat(Files.readString(work.resolve("app.log"))).as("the archive maps (it records the class path as given)")
                        .doesNotContain("Unable to use shared archive");
                assertThat(Files.readAllLines(classLoading)).as("the app's own classes come from the archive the image built")
                        .anyMatch(line -> line.contains(" dev.strangler.") && line.contains("source: shared objects file"));
            }
            if (entry.group(1).contains("-Dspring.aot.enabled=true")) {
                assertThat(Files.readString(work.resolve("app.log"))).as("the jar carries Spring AOT's bean definitions")
                        .contains("Starting AOT-processed");
            }
            if (module.equals("gateway-app")) {
                HttpResponse<String> routed = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/customers/7")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
                assertThat(receiver.await("/api/customers/7")).as("the request reached the legacy backend from LEGACY_URL").isTrue();
                assertThat(receiver.await("/v1/traces")).as("spans go to MANAGEMENT_OTLP_TRACING_ENDPOINT").isTrue();
            }
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            receiver.close();
        }
    }

    /** A loopback HTTP server that answers 200 to anything and remembers the paths it was asked for. */
    private static final class LoopbackReceiver implements AutoCloseable {

        private final HttpServer server;
        private final Set<String> paths = ConcurrentHashMap.newKeySet();

        LoopbackReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                paths.add(exchange.getRequestURI().getPath());
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** The span exporter sends in batches, every few seconds. */
        boolean await(String path) throws InterruptedException {
            for (int i = 0; i < 150 && !paths.contains(path); i++) {
                Thread.sleep(100);
            }
            return paths.contains(path);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * Waits for liveness, not readiness: the image holds only the app, and orders-service is not ready without
     * its Dapr sidecar, which the pod or compose file supplies.
     */
    private static int awaitReady(int port, Process process) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                .timeout(Duration.ofSeconds(2)).build();
        int status = -1;
        for (int attempt = 0; attempt < 240 && process.isAlive(); attempt++) {
            try {
                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return status;
                }
            } catch (IOException notYet) {
                status = -1;
            }
            Thread.sleep(500);
        }
        return status;
    }

    private static String dockerfile(String module) {
        return RepositoryLayout.read(RepositoryLayout.resolve(module + "/Dockerfile"));
    }

    /** The image's own JVM options, so that the archive is checked with the flags the container starts with. */
    private static String imageJavaToolOptions(String module) {
        Matcher env = JAVA_TOOL_OPTIONS.matcher(dockerfile(module));
        return env.find() ? env.group(1) : "";
    }

    /** As Docker runs a RUN instruction: {@code /bin/sh -c}, in the working directory, with {@code java} on the path. */
    private static void runAsDockerDoes(String dockerfile, String instruction, Path workingDirectory, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", instruction.replace("\\\n", " "))
                .directory(workingDirectory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PATH", Path.of(javaExecutable()).getParent() + ":" + builder.environment().get("PATH"));
        Matcher env = JAVA_TOOL_OPTIONS.matcher(dockerfile);
        if (env.find() && dockerfile.indexOf(env.group()) < dockerfile.indexOf(instruction)) {
            builder.environment().put("JAVA_TOOL_OPTIONS", env.group(1));
        }
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("RUN " + instruction).isTrue();
        assertThat(process.exitValue()).as("RUN %s%n%s", instruction, tail(log)).isZero();
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }


    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
