package dev.strangler.gateway.shadow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most one log line per key and interval. A shadow backend that is down fails every sampled request, and one
 * warning per request would bury the gateway's log; the counters keep the exact figures, the log keeps one line
 * per second saying how many it left out.
 */
final class LogThrottle {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    LogThrottle(long intervalNanos, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /** -1 when this event must not be logged; otherwise how many events of this key were left out since the last line. */
    long admit(String key) {
        return windows.computeIfAbsent(key, k -> new Window()).admit(nanoClock.getAsLong());
    }

    private final class Window {
        private boolean logged;
        private long lastLogged;
        private long suppressed;

        synchronized long admit(long now) {
            if (logged && now - lastLogged < intervalNanos) {
                suppressed++;
                return -1;
            }
            logged = true;
            lastLogged = now;
            long left = suppressed;
            suppressed = 0;
            return left;
        }
    }
}
