package dev.strangler.system.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;

import dev.strangler.daprdouble.net.LoopbackPorts;

/**
 * An app module's jar running as a real {@code java -jar} process on free loopback ports.
 *
 * <p>{@link #start} gives the app an empty working directory ({@code target/app-work/<name>}), so relative data paths
 * start fresh, runs a copy of the jar taken at start, and writes its output to {@code target/app-logs/<name>.log}. It returns once the health check answers
 * 200, or throws {@link AppStartException} with the tail of the log. {@link #restart} keeps ports and working
 * directory. {@link #close} stops the process gracefully (SIGTERM), forcibly after 30 s. It is a JUnit
 * {@code CloseableResource}, so an instance put in an extension store stops when the store is closed.
 */
public final class AppProcess implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);

    private final AppSpec spec;
    private final Map<String, Integer> ports;
    private final Path workDir;
    private final Path logFile;
    private final Path jar;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Thread killOnJvmExit;
    private boolean launchedBefore;

    private AppProcess(AppSpec spec, Map<String, Integer> ports, Path workDir, Path logFile, Path jar) {
        this.spec = spec;
        this.ports = ports;
        this.workDir = workDir;
        this.logFile = logFile;
        this.jar = jar;
    }

    public static AppProcess start(AppSpec spec) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        spec.portProperties().forEach(property -> ports.put(property, LoopbackPorts.free()));
        Path workDir = Repo.target("app-work", spec.name());
        Path logFile = Repo.target("app-logs", spec.name() + ".log");
        deleteRecursively(workDir);
        Path jar = copyJar(spec, workDir);
        AppProcess app = new AppProcess(spec, ports, workDir, logFile, jar);
        app.launch();
        return app;
    }

    /** Stops the app and starts it again on the same ports and working directory; the log is appended to. */
    public AppProcess restart() {
        stop();
        launch();
        return this;
    }

    public int port() {
        return port(spec.portProperties().get(0));
    }

    public int port(String property) {
        Integer port = ports.get(property);
        if (port == null) {
            throw new IllegalArgumentException(spec.name() + " has no port property " + property + "; it has " + ports.keySet());
        }
        return port;
    }

    /** {@code http://127.0.0.1:<first port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public String name() {
        return spec.name();
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The operating-system process id, for tools such as {@code jcmd}. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log written)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops the process: SIGTERM so that the app shuts down gracefully, then SIGKILL after the grace period. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return spec.name() + "@" + baseUrl();
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(spec.jvmArgs());
        command.add("-jar");
        command.add(jar.toString());
        ports.forEach((property, port) -> command.add("--" + property + "=" + port));
        command.addAll(spec.args());
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            String header = "### " + Instant.now() + " " + String.join(" ", command) + System.lineSeparator();
            if (launchedBefore) {
                Files.writeString(logFile, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } else {
                Files.writeString(logFile, header, StandardCharsets.UTF_8);
            }
            launchedBefore = true;
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(spec.env());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + spec.name(), e);
        }
        Process launched = process;
        killOnJvmExit = new Thread(launched::destroyForcibly, "kill-" + spec.name());
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
        awaitReady();
    }

    private void awaitReady() {
        URI health = URI.create("http://127.0.0.1:" + port(spec.healthPortProperty()) + spec.healthPath());
        Instant deadline = Instant.now().plus(spec.startTimeout());
        String lastAnswer = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                stop();
                throw failure("exited with code " + exit + " before it was ready");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
            } catch (IOException notListeningYet) {
                lastAnswer = notListeningYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw failure("start was interrupted");
            }
            sleep(POLL);
        }
        stop();
        throw failure("was not ready within " + spec.startTimeout() + " (" + health + " last answered: " + lastAnswer + ")");
    }

    private AppStartException failure(String what) {
        return new AppStartException("%s %s. Log %s ends with:%n%s".formatted(spec.name(), what, logFile, logTail(60)));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a private copy of the jar: a Spring Boot jar loads classes lazily from its file, so a running app whose
     * jar is rebuilt underneath it (another build in the same checkout) fails with NoClassDefFoundError.
     */
    private static Path copyJar(AppSpec spec, Path workDir) {
        Path copy = workDir.resolve(".app").resolve(spec.module() + ".jar");
        try {
            Files.createDirectories(copy.getParent());
            return Files.copy(Repo.appJar(spec.module()), copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the jar of " + spec.module(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
    }
}
