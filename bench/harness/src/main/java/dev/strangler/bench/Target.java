package dev.strangler.bench;

import java.nio.file.Path;

/**
 * Something wrk is pointed at: the URL, the process that serves it (whose CPU and memory are sampled), and for
 * the gateway the route the request must take, its routes.yaml and its management port.
 *
 * @param header a header every request carries ({@code Name: value}), or null
 */
record Target(String id, String label, Server server, String url, String expectedRoute, int routes, Path routesFile,
        int managementPort, String header) {

    static Target plain(String id, String label, Server server, String url, int routes) {
        return new Target(id, label, server, url, null, routes, null, -1, null);
    }
}
