package dev.strangler.gateway.edge;

import java.util.Queue;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * The response half of Netty's HttpServerCodec, beside {@link StrictRequestDecoder}: the encoder needs the method of
 * the request each response answers, since the answer to a HEAD has no body whatever its headers say. The two are
 * separate handlers, not one combined codec, so that a WebSocket handshake finds and replaces them as it replaces
 * HttpServerCodec's (WebSocketServerHandshaker looks for an HttpRequestDecoder and an HttpResponseEncoder).
 */
final class ServerResponseEncoder extends HttpResponseEncoder {

    private final Queue<HttpMethod> methods;
    private HttpMethod method;

    ServerResponseEncoder(Queue<HttpMethod> methods) {
        this.methods = methods;
    }

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
        if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
            // RFC 9112 section 6.1: no Transfer-Encoding on a 2xx answer to CONNECT.
            msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            return;
        }
        super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        method = methods.poll();
        return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
}
