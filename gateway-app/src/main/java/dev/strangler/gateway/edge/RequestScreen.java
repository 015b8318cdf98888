package dev.strangler.gateway.edge;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

import dev.strangler.gateway.web.Problems;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * The first look at each request head on the public port, right after the decoder and before either proxy path (the
 * direct path, and Reactor Netty with Spring Cloud Gateway). A request whose framing or headers a backend could read
 * otherwise than the gateway does is answered here, with problem+json, and the connection is closed: whatever the
 * client sent after it cannot be trusted to start where the gateway thinks. The rules, each with its precedent, are in
 * docs/security.md. Headers that only a confused backend would act on are removed before either path sees them.
 *
 * <p>A refusal keeps the order of responses: when earlier requests on the connection are still being answered, it
 * waits for their last byte. One instance per connection.
 */
final class RequestScreen extends ChannelDuplexHandler {

    private static final AsciiString X_ORIGINAL_URL = AsciiString.cached("x-original-url");
    private static final AsciiString X_REWRITE_URL = AsciiString.cached("x-rewrite-url");
    private static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    private final EdgeProperties.UnderscoreHeaders underscores;
    /** Requests passed on whose response has not been written to its end. */
    private int pending;
    /** Whether the response being written is a 1xx, which does not end the exchange. */
    private boolean informational;
    /** The refusal to send once the pending responses are written; null when none waits. */
    private Rejection waiting;
    /** Set once a request is refused: nothing more is read from the connection. */
    private boolean refused;

    RequestScreen(EdgeProperties.UnderscoreHeaders underscores) {
        this.underscores = underscores;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            Rejection rejection = request.decoderResult().isFailure() ? Rejection.of(request.decoderResult().cause())
                    : screen(request);
            if (rejection != null) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, rejection);
                return;
            }
            pending++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !informational && pending > 0) {
            pending--;
            if (pending == 0 && waiting != null) {
                ctx.write(msg, promise);
                answer(ctx, waiting);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    private void refuse(ChannelHandlerContext ctx, Rejection rejection) {
        refused = true;
        if (pending == 0) {
            answer(ctx, rejection);
        }
        else {
            waiting = rejection;
        }
    }

    private void answer(ChannelHandlerContext ctx, Rejection rejection) {
        waiting = null;
        HttpStatus status = rejection.status();
        byte[] body = Problems.json(status, rejection.type(), rejection.title(), rejection.getMessage(), null);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status.value()),
                Unpooled.wrappedBuffer(body));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpStatus.METHOD_NOT_ALLOWED) {
            headers.set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** The reason to refuse a request the decoder read, or null; removes the headers that are dropped. */
    private Rejection screen(HttpRequest request) {
        if (HttpMethod.CONNECT.equals(request.method())) {
            // The gateway opens no tunnels; a client that sent CONNECT may follow it with tunnel bytes at once, which
            // must not be read as requests.
            return new Rejection(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                    "CONNECT is not served: this gateway is not a forward proxy.");
        }
        HttpHeaders headers = request.headers();
        boolean http11 = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        int hosts = 0;
        CharSequence host = null;
        int transferEncodings = 0;
        CharSequence transferEncoding = null;
        int contentLengths = 0;
        boolean upgrade = false;
        boolean upgradeOption = false;
        List<CharSequence> dropped = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)) {
                hosts++;
                host = header.getValue();
            }
            else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)) {
                contentLengths++;
            }
            else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)) {
                transferEncodings++;
                transferEncoding = header.getValue();
            }
            else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)) {
                upgrade = true;
            }
            else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                int options = ConnectionOptions.of(header.getValue());
                if ((options & ConnectionOptions.FRAMING) != 0) {
                    // Honoured, the option would strip the header while the body it frames still follows; ignored,
                    // it would still reach a backend that honours it. Either way one hop reads the request otherwise.
                    return Rejection.badHeader("The Connection header names " + ConnectionOptions.framingName(options)
                            + ", which frames or addresses the request and so cannot be a connection option.");
                }
                upgradeOption |= (options & ConnectionOptions.UPGRADE) != 0;
            }
            else if (AsciiString.contentEqualsIgnoreCase(name, X_ORIGINAL_URL) || AsciiString.contentEqualsIgnoreCase(name, X_REWRITE_URL)
                    || AsciiString.indexOf(name, '_', 0) >= 0) {
                if (underscores == EdgeProperties.UnderscoreHeaders.REJECT && AsciiString.indexOf(name, '_', 0) >= 0) {
                    return Rejection.badHeader("Header names with an underscore are refused (" + name + ").");
                }
                if (dropped == null) {
                    dropped = new ArrayList<>(2);
                }
                dropped.add(name);
            }
        }
        if (hosts > 1) {
            return Rejection.badHeader("The request has more than one Host header (RFC 9112 section 3.2).");
        }
        if (hosts == 0 && http11) {
            return Rejection.badHeader("An HTTP/1.1 request needs a Host header (RFC 9112 section 3.2).");
        }
        if (host != null && !HostHeader.isValid(host)) {
            return Rejection.badHeader("The Host header is not a host name or address with an optional port (RFC 9112 section 3.2).");
        }
        if (transferEncodings > 0) {
            if (!http11) {
                return Rejection.badFraming("Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 section 6.1).");
            }
            if (transferEncodings > 1 || !isChunked(transferEncoding)) {
                return Rejection.badFraming("The only Transfer-Encoding accepted is a single chunked (RFC 9112 section 6.1).");
            }
            if (contentLengths > 0) {
                return Rejection.badFraming("The request has both Transfer-Encoding and Content-Length (RFC 9112 section 6.1).");
            }
        }
        if (contentLengths > 1) {
            return Rejection.badFraming("The request has more than one Content-Length header (RFC 9112 section 6.3).");
        }
        if (upgradeOption && !upgrade) {
            return Rejection.badHeader("The Connection header names upgrade, but the request has no Upgrade header.");
        }
        if (dropped != null) {
            for (CharSequence name : dropped) {
                headers.remove(name);
            }
        }
        return null;
    }

    private static boolean isChunked(CharSequence value) {
        return AsciiString.contentEqualsIgnoreCase(AsciiString.trim(value), HttpHeaderValues.CHUNKED);
    }
}
