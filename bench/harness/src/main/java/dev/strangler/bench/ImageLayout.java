package dev.strangler.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The gateway laid out as its container image lays it out (gateway-app/Dockerfile): the Boot jar extracted into
 * {@code app.jar} plus {@code lib/}, started with its Spring AOT bean definitions and a class data sharing archive
 * recorded by a training start that stops once the context is refreshed. Starting from it measures the start the
 * image gives, not only {@code java -jar}.
 * <p>Its JVMs run as the container's do: with the image's {@code JAVA_TOOL_OPTIONS} and, for the heap those options
 * size from the container's memory, the gateway pod's memory limit (k8s/base/gateway-app.yaml) as the memory the JVM
 * sees ({@code -XX:MaxRAM}), not the bench machine's. Otherwise the bench would measure a collector and a heap that
 * no deployment runs.
 */
final class ImageLayout {

    /** The image's entrypoint runs the jar's Spring AOT bean definitions. */
    private static final String AOT = "-Dspring.aot.enabled=true";

    static final String DOCKERFILE = "gateway-app/Dockerfile";
    static final String DEPLOYMENT = "k8s/base/gateway-app.yaml";

    private static final Pattern TOOL_OPTIONS = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"");

    /** The gateway container's memory limit, the one {@code limits:} block of its Deployment. */
    private static final Pattern MEMORY_LIMIT = Pattern.compile("(?m)^\\s+limits:\\s*\\n(?:\\s+cpu:.*\\n)?\\s+memory:\\s*(\\d+)Mi\\s*$");

    private final Path dir;
    private final Map<String, String> environment;
    private final int podMemoryMi;

    private ImageLayout(Path dir, Map<String, String> environment, int podMemoryMi) {
        this.dir = dir;
        this.environment = environment;
        this.podMemoryMi = podMemoryMi;
    }

    /** {@code jvmArgs}: the options the gateway's starts get, which the training start needs too for the archive to map. */
    static ImageLayout prepare(Path java, List<String> jvmArgs, Path bootJar, Path repoRoot, Path workDir, String trainingRoutesYaml) {
        Path build = workDir.resolve("gateway-image-build");
        Path image = workDir.resolve("gateway-image");
        Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS", toolOptions(repoRoot));
        int podMemoryMi = podMemoryLimitMi(repoRoot);
        String podMemory = maxRam(podMemoryMi);
        try {
            Files.createDirectories(build);
            Files.createDirectories(image);
            // Named app.jar as in the image: the extracted application jar keeps the Boot jar's name.
            Path appJar = Files.copy(bootJar, build.resolve("app.jar"));
            run(build, List.of(java.toString(), "-Djarmode=tools", "-jar", appJar.toString(), "extract", "--layers",
                    "--destination", build.resolve("extracted").toString()));
            for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
                copyTree(build.resolve("extracted").resolve(layer), image);
            }
            Path routes = build.resolve("cds-routes.yaml");
            Files.writeString(routes, trainingRoutesYaml);
            // The archive records the class path as given, so training names the jar as the bench's starts do.
            List<String> training = new ArrayList<>(List.of(java.toString()));
            training.addAll(jvmArgs);
            training.add(podMemory);
            training.addAll(List.of("-XX:ArchiveClassesAtExit=app.jsa", AOT, "-Dspring.context.exit=onRefresh",
                    "-jar", image.resolve("app.jar").toString(), "--strangler.routes-file=" + routes));
            run(image, training, environment);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the gateway as its image does", e);
        }
        return new ImageLayout(image, environment, podMemoryMi);
    }

    /** The environment a start from this layout needs: the image's {@code JAVA_TOOL_OPTIONS}. */
    Map<String, String> environment() {
        return environment;
    }

    /** The image's {@code JAVA_TOOL_OPTIONS} as this layout's starts got them. */
    String toolOptions() {
        return environment.get("JAVA_TOOL_OPTIONS");
    }

    /** The pod's memory limit this layout's starts were given as the memory their JVM sees. */
    int podMemoryMi() {
        return podMemoryMi;
    }

    private static String maxRam(int mebibytes) {
        return "-XX:MaxRAM=" + mebibytes + "m";
    }

    private static String toolOptions(Path repoRoot) {
        Path dockerfile = repoRoot.resolve(DOCKERFILE);
        Matcher m = TOOL_OPTIONS.matcher(read(dockerfile));
        if (!m.find()) {
            throw new IllegalStateException(dockerfile + " has no ENV JAVA_TOOL_OPTIONS=\"...\" line, whose JVM options the bench starts the gateway with");
        }
        return m.group(1);
    }

    private static int podMemoryLimitMi(Path repoRoot) {
        Path deployment = repoRoot.resolve(DEPLOYMENT);
        Matcher m = MEMORY_LIMIT.matcher(read(deployment));
        if (!m.find()) {
            throw new IllegalStateException(deployment + " has no container memory limit in Mi (limits: memory: NNNMi), "
                    + "the memory the bench gives the gateway's JVM as a pod would");
        }
        return Integer.parseInt(m.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** What goes after {@code java} (and before the app's arguments) to start the gateway as the image's entrypoint does. */
    List<String> javaArgs() {
        // -Xshare:on: an archive that does not map stops the start instead of measuring one without it.
        return List.of(maxRam(podMemoryMi), "-Xshare:on", "-XX:SharedArchiveFile=" + dir.resolve("app.jsa"), AOT, "-jar", dir.resolve("app.jar").toString());
    }

    private static void run(Path directory, List<String> command) throws IOException {
        run(directory, command, Map.of());
    }

    private static void run(Path directory, List<String> command, Map<String, String> environment) throws IOException {
        Path log = directory.resolve("step.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + Files.readString(log));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
