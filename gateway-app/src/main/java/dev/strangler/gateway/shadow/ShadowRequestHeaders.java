package dev.strangler.gateway.shadow;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of a shadow copy: the client's, as the primary gets them, with the shadow marker added. Removed are
 * hop-by-hop headers (and any that Connection names), Host (the shadow backend's own is sent), inbound
 * X-Strangler-* headers (a client must not be able to forge the marker), and Accept-Encoding, so that the shadow
 * answers uncompressed and its body can be compared without decoding.
 */
final class ShadowRequestHeaders {

    static final String MARKER = "X-Strangler-Shadow";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "accept-encoding",
            "expect");

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
            if (!HOP_BY_HOP.contains(lower) && !named.contains(lower) && !lower.startsWith("x-strangler-")) {
                copy.addAll(name, values);
            }
        });
        // The policy reads Host to set X-Forwarded-Host; the copy then gets the shadow backend's own Host.
        HttpHeaders out = forwarded.filter(copy, exchange);
        out.remove(HttpHeaders.HOST);
        out.set(MARKER, "true");
        if (body != null) {
            out.setContentLength(body.length);
        }
        return out;
    }
}
