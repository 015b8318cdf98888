package dev.strangler.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Which cores the load generator and the servers run on. SPLIT gives the proxy under test its own core(s) and puts
 * wrk and the backend on the others, so the proxies are compared on equal, dedicated CPU and wrk never steals
 * their time slices. NONE lets the scheduler place everything (all processes share all cores).
 */
record CpuLayout(Mode mode, String proxyCpus, String loadCpus, String backendCpus) {

    enum Mode {
        SPLIT, NONE;

        static Mode parse(String text) {
            return switch (text) {
                case "split" -> SPLIT;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("--pin takes split or none, not " + text);
            };
        }
    }

    static CpuLayout of(Mode mode, int cpus) {
        if (mode == Mode.NONE || cpus < 2) {
            return new CpuLayout(Mode.NONE, null, null, null);
        }
        int half = cpus / 2;
        String proxy = range(0, half - 1);
        String rest = range(half, cpus - 1);
        return new CpuLayout(Mode.SPLIT, proxy, rest, rest);
    }

    /** The command prefix that pins a process to {@code cpus}; empty when nothing is pinned. */
    static List<String> pin(String cpus) {
        List<String> prefix = new ArrayList<>();
        if (cpus != null) {
            prefix.add("taskset");
            prefix.add("-c");
            prefix.add(cpus);
        }
        return prefix;
    }

    /** Threads for wrk: one per core it may use. */
    int loadThreads(int cpus) {
        if (loadCpus == null) {
            return Math.max(1, cpus);
        }
        return cpus - cpus / 2;
    }

    /** nginx workers for the proxy under test: one per core it may use. */
    int proxyWorkers(int cpus) {
        return proxyCpus == null ? cpus : cpus / 2;
    }

    String describe() {
        if (mode == Mode.NONE) {
            return "unpinned (all processes share all cores)";
        }
        return "proxy under test on CPU " + proxyCpus + "; wrk and the backend on CPU " + loadCpus;
    }

    private static String range(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
