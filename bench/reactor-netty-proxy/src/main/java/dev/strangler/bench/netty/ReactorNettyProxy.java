package dev.strangler.bench.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The floor of the engine both gateways are built on: Reactor Netty's server streaming each request to Reactor
 * Netty's pooled client and the answer back, with nothing else (no routing table, headers policy, metrics,
 * tracing or error handling). Neither Spring Cloud Gateway can be faster than this on the same machine, so it
 * shows how much of their cost is the framework and how much is the engine.
 *
 * <p>Usage: {@code java -jar reactor-netty-proxy.jar PORT BACKEND_URL}.
 */
public final class ReactorNettyProxy {

    private ReactorNettyProxy() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -jar reactor-netty-proxy.jar PORT BACKEND_URL");
            System.exit(2);
        }
        // One event loop per CPU, as the gateway sizes them: this is the engine at its best, not as it comes.
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty("reactor.netty.ioWorkerCount", Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        HttpClient client = HttpClient.create().baseUrl(args[1]);
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .handle((request, response) -> client
                        .headers(headers -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((answer, body) -> response.status(answer.status()).headers(answer.responseHeaders())
                                .send(body.retain()).then())
                        .then())
                .bindNow();
        System.out.println("reactor-netty-proxy listening on " + server.port() + ", forwarding to " + args[1]);
        server.onDispose().block();
    }
}
