package dev.strangler.gateway.routing;

import java.util.Arrays;
import java.util.List;

/**
 * The path prefixes never served on the public port ({@code strangler.hidden-paths}), compared on the decoded,
 * normalized segments so that no spelling of a path gets around them.
 */
public final class HiddenPaths {

    private final String[][] prefixes;

    public HiddenPaths(List<String> paths) {
        this.prefixes = paths.stream().map(p -> p.replaceAll("^/+|/+$", "").split("/+")).toArray(String[][]::new);
    }

    public boolean hides(RequestPath path) {
        String[] segments = path.segments();
        for (String[] prefix : prefixes) {
            if (segments.length >= prefix.length && Arrays.equals(segments, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }
}
