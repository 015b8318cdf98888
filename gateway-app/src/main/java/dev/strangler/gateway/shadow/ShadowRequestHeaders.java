package dev.strangler.gateway.shadow;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.http.Headers;

/**
 * The headers of a shadow copy: the client's, as the primary gets them, with the shadow marker added. Removed are
 * hop-by-hop headers (and any that Connection names), Host (the shadow backend's own is sent), inbound
 * X-Strangler-* headers (a client must not be able to forge the marker), and Accept-Encoding, so that the shadow
 * answers uncompressed and its body can be compared without decoding.
 */
final class ShadowRequestHeaders {

    /** Hop-by-hop headers, and those a copy gets anew (its own length) or must not have (compression, an expectation). */
    private static final Set<String> DROPPED = dropped();

    private final HttpHeadersFilter forwarded;

    /** @param forwarded sets X-Forwarded-* the way the primary request gets them */
    ShadowRequestHeaders(HttpHeadersFilter forwarded) {
        this.forwarded = forwarded;
    }

    HttpHeaders of(ServerWebExchange exchange, byte[] body) {
        HttpHeaders inbound = exchange.getRequest().getHeaders();
        Set<String> named = new HashSet<>();
        List<String> connection = inbound.get(HttpHeaders.CONNECTION);
        if (connection != null) {
            connection.forEach(v -> {
                for (String token : v.split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            });
        }
        HttpHeaders copy = new HttpHeaders();
        inbound.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(lower) && !named.contains(lower) && !Headers.isStranglerHeader(name)) {
                copy.addAll(name, values);
            }
        });
        // The policy reads Host to set X-Forwarded-Host; the copy then gets the shadow backend's own Host.
        return marked(forwarded.filter(copy, exchange), body);
    }

    /**
     * The headers of a copy of a request the direct path serves, from those its primary backend gets: hop-by-hop
     * headers, inbound X-Strangler-* headers and Connection-named ones are gone from them already, and the forwarding
     * headers are set as the policy says.
     */
    HttpHeaders ofForwarded(Iterable<Map.Entry<String, String>> primary, byte[] body) {
        HttpHeaders copy = new HttpHeaders();
        primary.forEach(header -> {
            if (!DROPPED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                copy.add(header.getKey(), header.getValue());
            }
        });
        return marked(copy, body);
    }

    private static HttpHeaders marked(HttpHeaders out, byte[] body) {
        out.remove(HttpHeaders.HOST);
        out.set(Headers.SHADOW, "true");
        if (body != null) {
            out.setContentLength(body.length);
        }
        return out;
    }

    private static Set<String> dropped() {
        Set<String> dropped = new HashSet<>(Headers.HOP_BY_HOP);
        dropped.addAll(List.of("proxy-connection", "content-length", "accept-encoding", "expect"));
        return Set.copyOf(dropped);
    }
}
