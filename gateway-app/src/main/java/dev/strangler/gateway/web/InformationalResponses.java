package dev.strangler.gateway.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;

/**
 * Keeps a backend's 102 Processing, 103 Early Hints and other informational answers away from Reactor Netty's
 * client, which skips only 100 Continue and takes any other 1xx head for the final answer: without this, the client
 * would get the 103 as if it were the response, and the real one would be lost. They are for this hop, as on the
 * direct path.
 * 100 Continue stays with Reactor Netty, which answers {@code Expect} with it, and 101 Switching Protocols is an
 * upgrade's final answer.
 */
public final class InformationalResponses extends ChannelInboundHandlerAdapter {

    private static final String NAME = "strangler.informationalResponses";

    /** The empty end the codec gives each informational head. */
    private boolean droppingEnd;

    /** {@code client} with this handler on each HTTP/1.1 connection, between the codec and Reactor Netty. */
    public static HttpClient droppedBy(HttpClient client) {
        return client.doOnChannelInit((observer, channel, address) -> {
            // Absent when the protocol is chosen by TLS negotiation, after this point; HTTP/2 has no such answers.
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, NAME, new InformationalResponses());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response && forThisHop(response.status())) {
            droppingEnd = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (droppingEnd && msg instanceof LastHttpContent) {
            droppingEnd = false;
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean forThisHop(HttpResponseStatus status) {
        return status.codeClass() == HttpStatusClass.INFORMATIONAL && !status.equals(HttpResponseStatus.CONTINUE)
                && !status.equals(HttpResponseStatus.SWITCHING_PROTOCOLS);
    }
}
