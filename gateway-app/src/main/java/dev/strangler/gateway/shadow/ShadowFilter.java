package dev.strangler.gateway.shadow;

import java.util.Locale;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.scg.ExchangeDecision;
import dev.strangler.gateway.scg.MigrationRoutingFilter;
import reactor.core.publisher.Mono;

/**
 * Sends a copy of each request that the routing decision marks for shadowing to the route's own backend, and
 * compares its answer with the one the client got from legacy.
 * <p>
 * The client's exchange is only observed: the request body and the response body are copied as they stream
 * through, and the copy, the wait for the shadow and the comparison all happen off the client's path. At most
 * {@code maxInFlight} copies exist at once; a request sampled beyond that is served normally and counted as
 * dropped. Nothing that goes wrong with a copy reaches the client.
 * <p>
 * Runs right after the routing decision and before NettyWriteResponseFilter (order -1), so that its response
 * decorator sees the body that filter writes to the client.
 */
public final class ShadowFilter implements GlobalFilter, Ordered {

    public static final int ORDER = MigrationRoutingFilter.ORDER + 20;

    private final ShadowCopies copies;
    private final ShadowRequestHeaders headers;
    private final int maxRequestBody;
    private final int maxResponseBody;

    ShadowFilter(ShadowCopies copies, ShadowRequestHeaders headers, ShadowProperties properties) {
        this.copies = copies;
        this.headers = headers;
        this.maxRequestBody = (int) properties.maxRequestBody().toBytes();
        this.maxResponseBody = (int) properties.maxResponseBody().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = ExchangeDecision.of(exchange);
        if (decision == null || decision.shadowTarget() == null || !(decision.route().stage() instanceof Stage.Shadow stage)) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        RequestPath path = exchange.getAttribute(RequestPath.ATTRIBUTE);
        String method = request.getMethod().name();
        String upgrade = request.getHeaders().getUpgrade();
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            // A WebSocket session cannot be replayed as a plain request. (An h2c upgrade offer is harmless: it is not copied.)
            return chain.filter(exchange);
        }
        long contentLength = request.getHeaders().getContentLength();
        boolean hasBody = contentLength > 0 || request.getHeaders().containsKey(HttpHeaders.TRANSFER_ENCODING);
        if (hasBody && contentLength > maxRequestBody) {
            copies.notCopied(decision, method, path, new NotCompared(NotCompared.Outcome.DROPPED, "request-body-too-large"));
            return chain.filter(exchange);
        }
        ShadowCopy copy = copies.open(decision, method, path, request.getURI().getRawQuery(),
                target -> body -> new ShadowRequest(request.getMethod(), target, headers.of(exchange, body), body));
        if (copy == null) {
            return chain.filter(exchange);
        }
        ResponseTee response = new ResponseTee(exchange.getResponse(), maxResponseBody, copy);
        ServerWebExchange.Builder observed = exchange.mutate().response(response);
        if (hasBody) {
            observed.request(new RequestTee(request, copy, maxRequestBody));
        }
        else {
            copy.send(null);
        }
        return chain.filter(observed.build()).doFinally(signal -> copy.primaryEnded(signal, response));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
