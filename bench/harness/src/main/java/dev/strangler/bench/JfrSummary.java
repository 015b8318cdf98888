package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Aggregates a JFR recording the way `jfr print --events jdk.ExecutionSample` output would be aggregated by hand:
 * hottest methods by own samples (top frame) and by samples anywhere on the stack, CPU by code family, and
 * allocation by class and by allocating method (jdk.ObjectAllocationSample weight).
 */
final class JfrSummary {

    private static final int TOP = 25;

    private final Map<String, Long> selfSamples = new HashMap<>();
    private final Map<String, Long> totalSamples = new HashMap<>();
    private final Map<String, Long> familySamples = new HashMap<>();
    private final Map<String, Long> ownerSamples = new HashMap<>();
    private final Map<String, Long> ownerFamilySamples = new HashMap<>();
    private final Map<String, Long> allocByClass = new HashMap<>();
    private final Map<String, Long> allocBySite = new HashMap<>();
    private final Set<Long> threadsSeen = new HashSet<>();
    private long samples;
    private long allocated;
    private long gcCount;
    private Duration gcPause = Duration.ZERO;

    static String summarize(Path recording) throws IOException {
        JfrSummary s = new JfrSummary();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> s.execution(e.getStackTrace());
                case "jdk.ObjectAllocationSample" -> s.allocation(e);
                case "jdk.GarbageCollection" -> {
                    s.gcCount++;
                    s.gcPause = s.gcPause.plus(e.getDuration("sumOfPauses"));
                }
                default -> { }
            }
        }
        return s.render(recording);
    }

    private void execution(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        String top = method(frames.get(0));
        selfSamples.merge(top, 1L, Long::sum);
        familySamples.merge(family(top), 1L, Long::sum);
        String owner = firstOwnFrame(frames);
        ownerSamples.merge(owner, 1L, Long::sum);
        ownerFamilySamples.merge(family(owner), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (seen.add(m)) {
                totalSamples.merge(m, 1L, Long::sum);
            }
        }
    }

    private void allocation(RecordedEvent e) {
        // A sample's weight is what its thread allocated since that thread's previous sample; for the first sample of
        // each thread that reaches back before the recording started (warm-up, start-up), so it is left out.
        if (e.getThread() == null || threadsSeen.add(e.getThread().getJavaThreadId())) {
            return;
        }
        long weight = e.getLong("weight");
        allocated += weight;
        allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
        RecordedStackTrace stack = e.getStackTrace();
        if (stack != null && !stack.getFrames().isEmpty()) {
            allocBySite.merge(firstNonJdkFrame(stack.getFrames()), weight, Long::sum);
        }
    }

    /**
     * Who asked for the CPU: the first frame outside the JDK and reactor-core, whose operators only pass work along.
     * A sample in HashMap.get called from a header filter counts for the header filter.
     */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (!(m.startsWith("java.") || m.startsWith("jdk.") || m.startsWith("sun.") || m.startsWith("reactor.core."))) {
                return m;
            }
        }
        return method(frames.get(0));
    }

    /** The allocation site worth acting on: the first frame outside java.* / jdk.* / sun.*. */
    private static String firstNonJdkFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (!(m.startsWith("java.") || m.startsWith("jdk.") || m.startsWith("sun."))) {
                return m;
            }
        }
        return method(frames.get(0));
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String family(String method) {
        String[] families = {"dev.strangler.", "org.springframework.cloud.gateway.", "org.springframework.web.",
                "org.springframework.http.", "org.springframework.", "reactor.netty.", "reactor.core.", "io.netty.",
                "io.micrometer.", "io.opentelemetry.", "ch.qos.logback.", "java.util.regex.", "java.", "jdk.", "sun."};
        for (String prefix : families) {
            if (method.startsWith(prefix)) {
                return prefix + "*";
            }
        }
        return "other";
    }

    private String render(Path recording) {
        StringBuilder sb = new StringBuilder();
        sb.append("JFR summary of ").append(recording).append('\n');
        sb.append(String.format(Locale.ROOT, "%d execution samples; %.1f MB allocated (sampled weight); %d GCs, %d ms total pause%n%n",
                samples, allocated / 1e6, gcCount, gcPause.toMillis()));
        section(sb, "CPU by code family (own samples)", familySamples, samples, "%");
        section(sb, "CPU by code family of the first frame outside the JDK and reactor-core", ownerFamilySamples, samples, "%");
        section(sb, "Hottest methods, own samples (top frame)", selfSamples, samples, "%");
        section(sb, "Hottest methods outside the JDK and reactor-core (first such frame)", ownerSamples, samples, "%");
        section(sb, "Hottest methods, samples anywhere on the stack", totalSamples, samples, "%");
        section(sb, "Allocation by class (sampled weight)", allocByClass, allocated, "%");
        section(sb, "Allocation by first non-JDK frame (sampled weight)", allocBySite, allocated, "%");
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, Map<String, Long> counts, long total, String unit) {
        sb.append(title).append('\n');
        List<Map.Entry<String, Long>> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP).collect(Collectors.toList());
        for (Map.Entry<String, Long> e : top) {
            sb.append(String.format(Locale.ROOT, "  %6.2f%s  %s%n", total == 0 ? 0.0 : 100.0 * e.getValue() / total, unit, e.getKey()));
        }
        sb.append('\n');
    }
}
