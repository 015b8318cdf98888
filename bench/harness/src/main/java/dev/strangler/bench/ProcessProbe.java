package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads a process tree's resident memory and CPU time from /proc (Linux only, as is the whole harness). */
final class ProcessProbe {

    /** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
    private static final double MICROS_PER_TICK = 1_000_000.0 / 100;

    private ProcessProbe() {
    }

    /** VmRSS of the process and its children, in KiB; 0 once the process is gone. */
    static long rssKb(long pid) {
        long total = 0;
        for (long p : tree(pid)) {
            total += rssOf(p);
        }
        return total;
    }

    /** User plus system CPU time of the process and its children, in microseconds. */
    static double cpuMicros(long pid) {
        long ticks = 0;
        for (long p : tree(pid)) {
            String[] f = statFields(p);
            if (f.length > 14) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
        }
        return ticks * MICROS_PER_TICK;
    }

    private static long rssOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        }
        catch (IOException | RuntimeException gone) {
            return 0;
        }
        return 0;
    }

    /** The fields of /proc/PID/stat after the command name (which may hold spaces), 0-based as in proc(5) minus 2. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 2);
            String[] rest = afterName.trim().split("\\s+");
            // proc(5) numbers fields from 1: pid, comm, state(3), ppid(4)...; utime is 14, stime 15.
            String[] fields = new String[rest.length + 2];
            fields[0] = Long.toString(pid);
            fields[1] = "comm";
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return fields;
        }
        catch (IOException | RuntimeException gone) {
            return new String[0];
        }
    }

    private static List<Long> tree(long root) {
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<long[]> parents = procs
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .map(pid -> {
                        String[] f = statFields(pid);
                        return f.length > 3 ? new long[] {pid, Long.parseLong(f[3])} : null;
                    })
                    .filter(x -> x != null)
                    .toList();
            for (int i = 0; i < pids.size(); i++) {
                long parent = pids.get(i);
                for (long[] pp : parents) {
                    if (pp[1] == parent && !pids.contains(pp[0])) {
                        pids.add(pp[0]);
                    }
                }
            }
        }
        catch (IOException e) {
            return pids;
        }
        return pids;
    }
}
