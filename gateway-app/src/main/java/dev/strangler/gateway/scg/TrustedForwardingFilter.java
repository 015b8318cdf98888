package dev.strangler.gateway.scg;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routing.ForwardedHeadersPolicy;

/**
 * {@link ForwardedHeadersPolicy} on Spring Cloud Gateway's requests: the client's headers without its forwarding
 * ones, then the policy's. It stands in for Spring Cloud Gateway's own forwarding filters, which are switched off.
 */
public final class TrustedForwardingFilter implements HttpHeadersFilter {

    private final ForwardedHeadersPolicy policy;

    public TrustedForwardingFilter(ForwardedHeadersPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders out = new HttpHeaders();
        input.forEach((name, values) -> {
            if (!ForwardedHeadersPolicy.isForwardingHeader(name)) {
                out.addAll(name, values);
            }
        });
        policy.addForwarding(input::get, out::add, exchange.getRequest().getRemoteAddress(), exchange.getRequest().getURI().getScheme());
        return out;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }
}
