package dev.strangler.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One wrk run as wrk counted it. Failed requests are non-2xx/3xx answers plus socket errors and timeouts. */
record WrkResult(long requests, long durationMicros, long connectErrors, long readErrors, long writeErrors,
        long statusErrors, long timeouts, double p50Micros, double p90Micros, double p99Micros, double meanMicros) {

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":([0-9.]+)");

    /** Successful answers (2xx/3xx) per second: a fast error is not throughput. */
    double throughput() {
        return Math.max(0, requests - statusErrors) * 1_000_000.0 / durationMicros;
    }

    long failed() {
        return connectErrors + readErrors + writeErrors + statusErrors + timeouts;
    }

    /** Parses the line that report.lua prints. */
    static WrkResult parse(String jsonLine) {
        java.util.Map<String, Double> f = new java.util.HashMap<>();
        Matcher m = FIELD.matcher(jsonLine);
        while (m.find()) {
            f.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return new WrkResult(
                f.get("requests").longValue(), f.get("duration_us").longValue(),
                f.get("connect_errors").longValue(), f.get("read_errors").longValue(), f.get("write_errors").longValue(),
                f.get("status_errors").longValue(), f.get("timeouts").longValue(),
                f.get("p50_us"), f.get("p90_us"), f.get("p99_us"), f.get("mean_us"));
    }
}
