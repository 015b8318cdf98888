package dev.strangler.gateway.scg;

import static dev.strangler.gateway.http.Headers.isStranglerHeader;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Removes X-Strangler-* headers that did not come from this gateway: from clients, so nobody can
 * spoof a shadow marker or a routing tag, and from backends, so only the gateway's own tags reach the client.
 */
public final class StranglerHeadersFilter implements HttpHeadersFilter {

    private final Type type;

    public StranglerHeadersFilter(Type type) {
        this.type = type;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        boolean found = false;
        for (String name : input.keySet()) {
            if (isStranglerHeader(name)) {
                found = true;
                break;
            }
        }
        if (!found) {
            return input;
        }
        HttpHeaders filtered = new HttpHeaders();
        input.forEach((name, values) -> {
            if (!isStranglerHeader(name)) {
                filtered.addAll(name, values);
            }
        });
        return filtered;
    }

    @Override
    public boolean supports(Type type) {
        return this.type == type;
    }
}
