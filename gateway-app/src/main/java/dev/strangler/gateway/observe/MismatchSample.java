package dev.strangler.gateway.observe;

import java.time.Instant;
import java.util.List;

/**
 * One request whose shadow answer differed from the primary's. Holds no request headers and no
 * Authorization, Cookie or Set-Cookie values, so it is safe to show on the dashboard.
 *
 * @param differences what differed, one entry per status, header or JSON field
 */
public record MismatchSample(Instant at, String method, String path, int primaryStatus, int shadowStatus,
        List<Difference> differences) {

    /**
     * @param where   "status", "header:Content-Type", or a JSON pointer such as "/content/0/total"
     * @param primary the primary's value (truncated), or null when absent
     * @param shadow  the shadow's value (truncated), or null when absent
     */
    public record Difference(String where, String primary, String shadow) {
    }
}
