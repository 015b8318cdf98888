package dev.strangler.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** All runs of one case (a target, a concurrency, a table size), and their medians. */
final class CaseResult {

    private final String id;
    private final String target;
    private final int routes;
    private final int connections;
    private final List<RunSample> runs = new ArrayList<>();

    CaseResult(String id, String target, int routes, int connections) {
        this.id = id;
        this.target = target;
        this.routes = routes;
        this.connections = connections;
    }

    void add(RunSample sample) {
        runs.add(sample);
    }

    String id() {
        return id;
    }

    String target() {
        return target;
    }

    int routes() {
        return routes;
    }

    int connections() {
        return connections;
    }

    List<RunSample> runs() {
        return runs;
    }

    double median(ToDoubleFunction<RunSample> metric) {
        return Stats.median(runs.stream().mapToDouble(metric).toArray());
    }

    double throughput() {
        return median(r -> r.wrk().throughput());
    }

    double p50Millis() {
        return median(r -> r.wrk().p50Micros()) / 1000.0;
    }

    double p99Millis() {
        return median(r -> r.wrk().p99Micros()) / 1000.0;
    }

    double cpuMicrosPerRequest() {
        return median(RunSample::cpuMicrosPerRequest);
    }

    double peakRssMb() {
        return runs.stream().mapToLong(RunSample::peakRssKb).max().orElse(0) / 1024.0;
    }

    long totalFailed() {
        return runs.stream().mapToLong(r -> r.wrk().failed()).sum();
    }

    long totalRequests() {
        return runs.stream().mapToLong(r -> r.wrk().requests()).sum();
    }
}
