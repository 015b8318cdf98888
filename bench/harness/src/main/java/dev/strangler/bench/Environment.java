package dev.strangler.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine and tools a run used, recorded with its results so that numbers are never read without context. */
record Environment(int cpus, CpuLayout layout, Path java, String cpuModel, String javaVersion, String nginxVersion,
        String wrkVersion, String commit, String loadAverageAtStart) {

    /** Tool, Debian package: the harness needs both on PATH. */
    private static final Map<String, String> TOOLS = Map.of("nginx", "nginx", "wrk", "wrk", "taskset", "util-linux");

    static Environment detect(CpuLayout.Mode pin, Path repoRoot) {
        for (Map.Entry<String, String> tool : TOOLS.entrySet()) {
            if (!onPath(tool.getKey())) {
                throw new IllegalStateException(tool.getKey() + " is not installed; install the Debian package " + tool.getValue()
                        + " (apt-get install -y " + tool.getValue() + "), or run bench/run.sh, which installs it");
            }
        }
        int cpus = Integer.parseInt(run(repoRoot, "nproc").trim());
        String model = "unknown";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        }
        catch (IOException e) {
            model = "unknown (" + e.getMessage() + ")";
        }
        return new Environment(cpus, CpuLayout.of(pin, cpus), Path.of(System.getProperty("java.home"), "bin", "java"), model,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                firstLine(run(repoRoot, "nginx", "-v")), firstLine(run(repoRoot, "wrk", "-v")),
                firstLine(run(repoRoot, "git", "rev-parse", "--short", "HEAD")), loadAverage());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    /** The 1-minute load average when the run started; NaN when /proc/loadavg could not be read. */
    double oneMinuteLoadAtStart() {
        try {
            return Double.parseDouble(loadAverageAtStart.split(" ")[0]);
        }
        catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", cpus);
        m.put("cpuModel", cpuModel);
        m.put("pinning", layout.describe());
        m.put("java", javaVersion);
        m.put("nginx", nginxVersion);
        m.put("wrk", wrkVersion);
        m.put("commit", commit);
        m.put("loadAverageAtStart", loadAverageAtStart);
        m.put("loadAverageAtEnd", loadAverage());
        return m;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        }
        catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
