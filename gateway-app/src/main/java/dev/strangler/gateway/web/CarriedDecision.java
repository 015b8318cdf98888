package dev.strangler.gateway.web;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

import dev.strangler.gateway.routing.RoutingDecision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The headers of a request the direct path has taken the routing decision for and hands on to Spring Cloud Gateway
 * (a request of a shadow route drawn for a copy), carrying that decision, so that the decision, and its one draw of
 * the copy, is taken once per request. The decision travels with the request's own header object, which Reactor
 * Netty keeps as it is: a pipelined request cannot pick up another's, and no client can make one, since only this
 * class creates them; a request without one (HTTP/2, or the direct path off) is decided by Spring Cloud Gateway.
 */
public final class CarriedDecision extends DefaultHttpHeaders {

    private final RoutingDecision decision;

    private CarriedDecision(RoutingDecision decision) {
        this.decision = decision;
    }

    /** {@code request} with the same head, carrying {@code decision}. */
    public static HttpRequest carrying(HttpRequest request, RoutingDecision decision) {
        CarriedDecision headers = new CarriedDecision(decision);
        headers.set(request.headers());
        DefaultHttpRequest carrying = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(), headers);
        carrying.setDecoderResult(request.decoderResult());
        return carrying;
    }

    /** The decision the direct path took for this request, or null when it took none. */
    public static RoutingDecision of(ServerHttpRequest request) {
        Object nativeRequest;
        try {
            nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        }
        catch (IllegalArgumentException e) {
            // Not a request of Spring's own server adapters: nothing can have been carried.
            return null;
        }
        return nativeRequest instanceof HttpServerRequest served && served.requestHeaders() instanceof CarriedDecision carried
                ? carried.decision : null;
    }
}
