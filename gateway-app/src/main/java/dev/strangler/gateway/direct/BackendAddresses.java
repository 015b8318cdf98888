package dev.strangler.gateway.direct;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.strangler.gateway.routes.Backend;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Where the direct path connects for each backend, and what it sends as Host and before the forwarded path. Only
 * plain http backends have one: TLS and proxies are left to Spring Cloud Gateway's client.
 */
final class BackendAddresses {

    /**
     * @param address    the backend's host and port, resolved at connect time
     * @param host       the Host header the backend gets: its own authority, as the other path sends it
     * @param pathPrefix the backend URL's own path, put before the forwarded path; empty when it has none
     */
    record BackendAddress(InetSocketAddress address, String host, String pathPrefix) {
    }

    private final Map<URI, Optional<BackendAddress>> addresses = new ConcurrentHashMap<>();

    /** The backend's address, or null when the direct path does not call this backend. */
    BackendAddress of(Backend backend) {
        Optional<BackendAddress> address = addresses.get(backend.url());
        if (address == null) {
            address = addresses.computeIfAbsent(backend.url(), url -> Optional.ofNullable(address(backend)));
        }
        return address.orElse(null);
    }

    private static BackendAddress address(Backend backend) {
        URI url = backend.url();
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null || url.getRawUserInfo() != null) {
            return null;
        }
        String host = url.getHost();
        String unbracketed = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() == -1 ? 80 : url.getPort();
        InetSocketAddress address = InetSocketAddress.createUnresolved(unbracketed, port);
        // As Reactor Netty's client derives it on the other path (HttpClientConnect.resolveHostHeaderValue).
        String formatted = HttpUtil.formatHostnameForHttp(address);
        String hostHeader = port == 80 || port == 443 ? formatted : formatted + ":" + port;
        // The backend's own path, as Backend.base() gives it: what follows the scheme and authority.
        String base = backend.base();
        int path = base.indexOf('/', base.indexOf("://") + 3);
        return new BackendAddress(address, hostHeader,
                path < 0 ? "" : base.substring(path));
    }
}
