package dev.strangler.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs wrk (Debian package wrk) pinned to the load generator's cores and reads its result line. */
final class Wrk {

    private final Path script;
    private final String cpus;
    private final int threads;

    Wrk(Path workDir, String cpus, int threads) {
        this.cpus = cpus;
        this.threads = threads;
        this.script = workDir.resolve("report.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("/bench/report.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WrkResult run(String url, int connections, Duration duration) {
        return run(url, null, connections, duration);
    }

    /** @param header a header every request carries ({@code Name: value}), or null */
    WrkResult run(String url, String header, int connections, Duration duration) {
        List<String> command = new ArrayList<>(CpuLayout.pin(cpus));
        command.addAll(List.of("wrk", "-t", Integer.toString(Math.min(threads, connections)), "-c", Integer.toString(connections),
                "-d", duration.toSeconds() + "s", "--timeout", "5s", "--latency", "-s", script.toString()));
        if (header != null) {
            command.addAll(List.of("-H", header));
        }
        command.add(url);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not finish: " + command);
            }
            for (String line : output.split("\n")) {
                if (line.startsWith("WRK_RESULT ")) {
                    return WrkResult.parse(line);
                }
            }
            throw new IllegalStateException("wrk printed no result (exit " + p.exitValue() + "): " + command + "\n" + output);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk; install the Debian package wrk (apt-get install -y wrk)", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
