package dev.strangler.gateway.direct;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.strangler.gateway.http.Headers;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Headers that describe one connection, not the message, and so are never passed on: the list of Spring Cloud
 * Gateway's RemoveHopByHopHeadersFilter, which the other proxy path applies (its default, or the
 * {@code filter.remove-hop-by-hop.headers} set that replaces it), plus any header the sender named in its
 * Connection header (RFC 9110, section 7.6.1), which that filter drops whatever its list. Transfer-Encoding goes
 * whatever the list says: this path frames each message itself, as Reactor Netty's client and server do.
 */
final class HopByHop {

    /** Spring Cloud Gateway's default list, as {@link Headers#HOP_BY_HOP} keeps it. */
    static final HopByHop DEFAULT = new HopByHop(Headers.HOP_BY_HOP);

    private final Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    HopByHop(Collection<String> names) {
        this.names.addAll(names);
    }

    /**
     * Whether {@code name} stays off the next hop: a hop-by-hop header, one the Connection header lists, or an
     * X-Strangler-* header, which only the gateway itself may set.
     */
    boolean dropped(String name, String connection) {
        if (Headers.isStranglerHeader(name)) {
            return true;
        }
        if (names.contains(name) || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
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
