package dev.strangler.gateway.direct;

import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

/**
 * A request on Netty's pipeline as {@link dev.strangler.gateway.routing.RoutePlanner} reads it. Cookies are decoded
 * with the strict decoder Reactor Netty's server uses for the other path, and only when a decision asks for one.
 */
record NettyRequestView(HttpRequest request, RequestPath path) implements RequestView {

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public String cookie(String name) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
                if (cookie.name().equals(name)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }
}
