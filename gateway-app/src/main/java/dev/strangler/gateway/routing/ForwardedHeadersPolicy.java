package dev.strangler.gateway.routing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.strangler.gateway.http.Headers;

/**
 * Sets X-Forwarded-For, -Proto and -Host on every proxied request. Values a caller sent are kept only
 * when the caller is a trusted proxy (such as the Istio ingress gateway); from anyone else they are
 * replaced, so a client cannot forge its address. Spring Cloud Gateway's own filter is not used: it
 * drops the headers entirely for untrusted callers instead of setting them.
 * The Host header sent to a backend is the backend's own; the client's is in X-Forwarded-Host. Each proxy path
 * applies it to its own header type.
 */
public final class ForwardedHeadersPolicy {

    private static final String FOR = Headers.X_FORWARDED_FOR;
    private static final String PROTO = Headers.X_FORWARDED_PROTO;
    private static final String HOST = Headers.X_FORWARDED_HOST;
    private static final List<String> PASSED_ON_FROM_TRUSTED = List.of(Headers.X_FORWARDED_PORT, Headers.X_FORWARDED_PREFIX,
            Headers.FORWARDED);

    private static final String FORWARDING_PREFIX = "X-Forwarded-";

    private final List<AddressRange> trusted;

    public ForwardedHeadersPolicy(List<String> trustedCidrs) {
        this.trusted = trustedCidrs.stream().map(AddressRange::parse).toList();
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
        String host = inboundHost != null ? inboundHost : first(inbound.apply(Headers.HOST));
        if (host != null) {
            add.accept(HOST, host);
        }
        if (trustedCaller) {
            for (String name : PASSED_ON_FROM_TRUSTED) {
                List<String> values = inbound.apply(name);
                if (values != null) {
                    values.forEach(value -> add.accept(name, value));
                }
            }
        }
    }

    private boolean isTrusted(InetSocketAddress remote) {
        for (AddressRange range : trusted) {
            if (range.contains(remote.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} is one this policy sets, which a path leaves out when it copies the client's headers. */
    public static boolean isForwardingHeader(String name) {
        return name.regionMatches(true, 0, FORWARDING_PREFIX, 0, FORWARDING_PREFIX.length())
                || name.equalsIgnoreCase(Headers.FORWARDED);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }
}
