package dev.strangler.gateway.direct;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.strangler.gateway.routing.Headers;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Headers that describe one connection, not the message, and so are never passed on: the list of Spring Cloud
 * Gateway's RemoveHopByHopHeadersFilter, which the other proxy path applies, plus any header the sender named in
 * its Connection header (RFC 9110, section 7.6.1).
 */
final class HopByHop {

    private static final Set<String> NAMES = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        NAMES.addAll(Headers.HOP_BY_HOP);
    }

    private HopByHop() {
    }

    /**
     * Whether {@code name} stays off the next hop: a hop-by-hop header, one the Connection header lists, or an
     * X-Strangler-* header, which only the gateway itself may set.
     */
    static boolean dropped(String name, String connection) {
        if (Headers.isStranglerHeader(name)) {
            return true;
        }
        if (NAMES.contains(name)) {
            return true;
        }
        return connection != null && listed(connection, name);
    }

    /** Every Connection header line, joined: a sender may split the list over several. */
    static String connection(HttpHeaders headers) {
        List<String> lines = headers.getAll(HttpHeaderNames.CONNECTION);
        return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(",", lines);
    }

    private static boolean listed(String connection, String name) {
        int start = 0;
        int n = connection.length();
        while (start < n) {
            int end = connection.indexOf(',', start);
            if (end < 0) {
                end = n;
            }
            String token = connection.substring(start, end).trim();
            if (token.equalsIgnoreCase(name)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
