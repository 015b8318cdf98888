package dev.strangler.gateway.direct;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.strangler.gateway.routes.Backend;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.AddressUtils;

/**
 * The client and URL prefix the direct path calls each backend with. Given an absolute URL, Reactor Netty matches
 * it against a regular expression on every request; given a path, with the backend's address set on the client, it
 * does not. The Host header is the same either way: Reactor Netty derives it from that address.
 */
final class BackendTargets {

    /**
     * @param client the client for this backend
     * @param prefix what the request's forward path and query are appended to: the backend's own path on a client
     *               that knows its address, or its whole URL
     */
    record Target(HttpClient client, String prefix) {
    }

    private final HttpClient client;
    private final Map<URI, Target> targets = new ConcurrentHashMap<>();

    BackendTargets(HttpClient client) {
        this.client = client;
    }

    Target of(Backend backend) {
        Target target = targets.get(backend.url());
        return target != null ? target : targets.computeIfAbsent(backend.url(), url -> target(backend));
    }

    private Target target(Backend backend) {
        URI url = backend.url();
        // https needs the scheme in the URL for TLS, and a proxy the whole URL; both keep the absolute form.
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null || client.configuration().proxyProvider() != null) {
            return new Target(client, backend.base());
        }
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetSocketAddress address = AddressUtils.createUnresolved(host, url.getPort() == -1 ? 80 : url.getPort());
        // The backend's own path, as Backend.base() gives it: what follows the scheme and authority.
        String base = backend.base();
        int path = base.indexOf('/', base.indexOf("://") + 3);
        return new Target(client.remoteAddress(() -> address), path < 0 ? "" : base.substring(path));
    }
}
