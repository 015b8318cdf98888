package dev.strangler.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway laid out as its container image lays it out (gateway-app/Dockerfile): the Boot jar extracted into
 * {@code app.jar} plus {@code lib/}, started with its Spring AOT bean definitions and a class data sharing archive
 * recorded by a training start that stops once the context is refreshed. Starting from it measures the start the
 * image gives, not only {@code java -jar}.
 */
final class ImageLayout {

    /** The image's entrypoint runs the jar's Spring AOT bean definitions. */
    private static final String AOT = "-Dspring.aot.enabled=true";

    private final Path dir;

    private ImageLayout(Path dir) {
        this.dir = dir;
    }

    /** {@code jvmArgs}: the options the gateway's starts get, which the training start needs too for the archive to map. */
    static ImageLayout prepare(Path java, List<String> jvmArgs, Path bootJar, Path workDir, String trainingRoutesYaml) {
        Path build = workDir.resolve("gateway-image-build");
        Path image = workDir.resolve("gateway-image");
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
            training.addAll(List.of("-XX:ArchiveClassesAtExit=app.jsa", AOT, "-Dspring.context.exit=onRefresh",
                    "-jar", image.resolve("app.jar").toString(), "--strangler.routes-file=" + routes));
            run(image, training);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the gateway as its image does", e);
        }
        return new ImageLayout(image);
    }

    /** What goes after {@code java} (and before the app's arguments) to start the gateway as the image's entrypoint does. */
    List<String> javaArgs() {
        // -Xshare:on: an archive that does not map stops the start instead of measuring one without it.
        return List.of("-Xshare:on", "-XX:SharedArchiveFile=" + dir.resolve("app.jsa"), AOT, "-jar", dir.resolve("app.jar").toString());
    }

    private static void run(Path directory, List<String> command) throws IOException {
        Path log = directory.resolve("step.log");
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
