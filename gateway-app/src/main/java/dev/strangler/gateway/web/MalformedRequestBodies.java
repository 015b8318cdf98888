package dev.strangler.gateway.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Makes a request body that turns out malformed (a chunk size that is not hex, chunk data without its CRLF), in its
 * first chunk or a later one, fail the body Spring Cloud Gateway is forwarding, so that the backend request is aborted
 * instead of completed.
 *
 * <p>Netty's decoder ends such a body with a last chunk whose decoder result is the failure. Reactor Netty's server
 * takes any last chunk for the end of the body and completes it: the backend got a complete request with a truncated
 * body and answered it, while the client was told 400. Here the failed chunk becomes an error of the body instead,
 * which Reactor Netty's client answers by closing the backend connection before the request's end; the client gets
 * 400 problem+json, and its connection closes after that answer, since where its next request starts is unknown.
 *
 * <p>It sits just before Reactor Netty's traffic handler, behind the direct path, and so sees only the requests that
 * Spring Cloud Gateway serves.
 */
public final class MalformedRequestBodies extends ChannelDuplexHandler {

    private static final String NAME = "strangler.malformedRequestBodies";

    /**
     * Requests that arrived on this connection, and final answers written to it. The handler is put in place while
     * Reactor Netty reads the first request Spring Cloud Gateway is to serve, which has passed this point already.
     */
    private long requests = 1;
    private long answers;
    private boolean closeAfterAnswer;
    /** Whether part of the current request's body has gone on towards the backend. */
    private boolean bodyStarted;

    /**
     * {@code server} with this handler on each HTTP/1.1 connection. Reactor Netty calls this when a connection's first
     * request for it has arrived (its CONFIGURED state), when the direct path's handler is surely in place; placed
     * at channel init, it could land in front of the direct path, depending on the order customizers run in.
     */
    public static HttpServer guarded(HttpServer server) {
        return server.doOnConnection(connection -> {
            ChannelPipeline pipeline = connection.channel().pipeline();
            // HTTP/1.1 only: HTTP/2 streams carry their own framing.
            if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
                pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, new MalformedRequestBodies());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            requests++;
            bodyStarted = false;
        }
        else if (msg instanceof HttpContent content && !content.decoderResult().isFailure()) {
            bodyStarted = true;
        }
        else if (msg instanceof HttpContent content) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            if (answers >= requests) {
                // Answered already: nothing more can be read from this connection.
                ctx.close();
                return;
            }
            closeAfterAnswer = true;
            if (!bodyStarted) {
                // Reactor Netty takes an error that comes before any of the body for one nobody will handle, and
                // closes the connection without an answer (FluxReceive.drainReceiver). An empty piece of body first
                // makes it the body's error, which Spring Cloud Gateway answers with 400 problem+json; the encoder
                // of the backend request writes nothing for an empty chunk.
                ctx.fireChannelRead(new DefaultHttpContent(Unpooled.EMPTY_BUFFER));
            }
            ctx.fireExceptionCaught(new MalformedBodyException(cause));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim) {
            answers++;
            if (closeAfterAnswer) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    /** The error a malformed body ends with: the client's fault, so 400. */
    public static final class MalformedBodyException extends ResponseStatusException {

        /** The problem detail of the 400, on either proxy path. */
        public static final String DETAIL = "the request body is not valid HTTP/1.1 framing (RFC 9112 section 7.1)";

        MalformedBodyException(Throwable cause) {
            super(HttpStatus.BAD_REQUEST, DETAIL, cause);
        }
    }
}
