package dev.strangler.gateway.direct;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import reactor.netty.NettyPipeline;

/**
 * The server's idle timeout ({@code server.netty.idle-timeout}), which closes a connection that sends nothing for
 * that long between requests. Reactor Netty arms it between the requests it sees and disarms it when one arrives;
 * it never sees the direct path's requests, so the direct path disarms it for an exchange and arms it again after.
 */
final class IdleTimeout {

    static final IdleTimeout NONE = new IdleTimeout(null);

    private final Duration timeout;

    /** @param timeout the idle timeout, or null for none */
    IdleTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    void suspend(ChannelHandlerContext ctx) {
        if (timeout != null && ctx.pipeline().get(NettyPipeline.IdleTimeoutHandler) != null) {
            ctx.pipeline().remove(NettyPipeline.IdleTimeoutHandler);
        }
    }

    void resume(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        // Where Reactor Netty puts its own, under the name it looks for when its next request arrives.
        if (timeout != null && pipeline.get(NettyPipeline.IdleTimeoutHandler) == null && pipeline.get(NettyPipeline.HttpCodec) != null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NettyPipeline.IdleTimeoutHandler, new Closer(timeout));
        }
    }

    /** Closes the connection when it has read nothing for the timeout, as Reactor Netty's own handler does. */
    private static final class Closer extends IdleStateHandler {
        Closer(Duration timeout) {
            super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            if (event.state() == IdleState.READER_IDLE) {
                ctx.close();
            }
        }
    }
}
