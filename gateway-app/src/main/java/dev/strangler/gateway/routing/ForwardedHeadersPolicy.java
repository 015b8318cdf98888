package dev.strangler.gateway.routing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

/**
 * Sets X-Forwarded-For, -Proto and -Host on every proxied request. Values a caller sent are kept only
 * when the caller is a trusted proxy (such as the Istio ingress gateway); from anyone else they are
 * replaced, so a client cannot forge its address. Spring Cloud Gateway's own filter is not used: it
 * drops the headers entirely for untrusted callers instead of setting them.
 * The Host header sent to a backend is the backend's own; the client's is in X-Forwarded-Host.
 */
public final class ForwardedHeadersPolicy implements HttpHeadersFilter {

    static final String FOR = "X-Forwarded-For";
    static final String PROTO = "X-Forwarded-Proto";
    static final String HOST = "X-Forwarded-Host";
    static final String PORT = "X-Forwarded-Port";
    static final String PREFIX = "X-Forwarded-Prefix";
    static final String FORWARDED = "Forwarded";

    private final List<IpSubnetFilterRule> trusted;

    public ForwardedHeadersPolicy(List<String> trustedCidrs) {
        this.trusted = trustedCidrs.stream().map(ForwardedHeadersPolicy::rule).toList();
    }

    static IpSubnetFilterRule rule(String cidr) {
        String[] parts = cidr.trim().split("/");
        try {
            String address = parts[0];
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : (address.contains(":") ? 128 : 32);
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("strangler.trusted-proxies: '" + cidr
                    + "' is not an address range; write CIDR notation such as 10.0.0.0/8 or 127.0.0.1/32", e);
        }
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders out = new HttpHeaders();
        input.forEach((name, values) -> {
            if (!isForwardingHeader(name)) {
                out.addAll(name, values);
            }
        });
        addForwarding(input::get, out::add, exchange.getRequest().getRemoteAddress(), exchange.getRequest().getURI().getScheme());
        return out;
    }

    /**
     * Adds the forwarding headers to a request that has none of them yet ({@link #isForwardingHeader} tells which
     * to leave out when copying): the one policy of both proxy paths, whatever their header types.
     *
     * @param inbound the client's values of a header, null or empty when it sent none
     */
    public void addForwarding(Function<String, List<String>> inbound, BiConsumer<String, String> add, InetSocketAddress remote,
            String scheme) {
        boolean trustedCaller = remote != null && remote.getAddress() != null && isTrusted(remote);
        String clientAddress = remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
        String inboundFor = trustedCaller ? joined(inbound.apply(FOR)) : null;
        String forValue = inboundFor == null || inboundFor.isEmpty() ? clientAddress
                : clientAddress == null ? inboundFor : inboundFor + ", " + clientAddress;
        if (forValue != null) {
            add.accept(FOR, forValue);
        }
        String inboundProto = trustedCaller ? first(inbound.apply(PROTO)) : null;
        String proto = inboundProto != null ? inboundProto : scheme;
        if (proto != null) {
            add.accept(PROTO, proto);
        }
        String inboundHost = trustedCaller ? first(inbound.apply(HOST)) : null;
        String host = inboundHost != null ? inboundHost : first(inbound.apply(HttpHeaders.HOST));
        if (host != null) {
            add.accept(HOST, host);
        }
        if (trustedCaller) {
            for (String name : List.of(PORT, PREFIX, FORWARDED)) {
                List<String> values = inbound.apply(name);
                if (values != null) {
                    values.forEach(value -> add.accept(name, value));
                }
            }
        }
    }

    private boolean isTrusted(InetSocketAddress remote) {
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(remote)) {
                return true;
            }
        }
        return false;
    }

    public static boolean isForwardingHeader(String name) {
        return name.regionMatches(true, 0, "X-Forwarded-", 0, 12) || name.equalsIgnoreCase(FORWARDED);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }
}
