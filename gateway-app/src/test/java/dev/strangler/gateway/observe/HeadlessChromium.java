package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's real Chromium, run headless as a separate process with a throw-away profile. The virtual time budget
 * lets the page's scripts run their first refreshes (fetch and render) before the DOM is dumped or the screenshot taken.
 */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private HeadlessChromium() {
    }

    /** Fails, never skips, when the browser is missing: the dashboard test is part of the build. */
    static void require() {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing: the dashboard test renders the page in real headless Chromium. "
                    + "Install the Debian package 'chromium' (apt-get install -y chromium).");
        }
    }

    /** The DOM after the page's scripts ran, serialized as HTML. */
    static String dumpDom(String url) {
        return run(List.of("--dump-dom"), url);
    }

    static void screenshot(String url, Path png, int width, int height) {
        run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath()), url);
    }

    private static String run(List<String> mode, String url) {
        require();
        Path work = null;
        try {
            work = Files.createTempDirectory("chromium-test");
            Path stdout = work.resolve("stdout");
            Path stderr = work.resolve("stderr");
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-dev-shm-usage", "--user-data-dir=" + work.resolve("profile"), "--virtual-time-budget=10000"));
            command.addAll(mode);
            command.add(url);
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail("chromium did not finish within " + TIMEOUT + "; stderr:\n" + tail(stderr));
            }
            if (process.exitValue() != 0) {
                fail("chromium exited with " + process.exitValue() + "; stderr:\n" + tail(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        finally {
            delete(work);
        }
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            // A profile left in the temp directory does no harm to the test's result.
        }
    }
}
