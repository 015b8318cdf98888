package dev.strangler.gateway.direct;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import reactor.netty.NettyPipeline;

/**
 * The server's idle timeout ({@code server.netty.idle-timeout}) for one connection: closes it when it has waited
 * that long for its next request after a direct exchange. Reactor Netty arms its own handler between the requests it
 * sees and disarms it when one arrives; it never sees the direct path's requests, so the direct path takes its handler
 * out for an exchange and keeps time itself after one.
 *
 * <p>It keeps time with one check per connection per timeout period rather than a handler added and removed per
 * request, as Reactor Netty does: a pipeline change and a timer per request cost the direct path several percent of
 * its throughput. All on the connection's event loop.
 */
final class IdleTimeout {

    private static final IdleTimeout NONE = new IdleTimeout(0);

    private final long timeoutNanos;
    /** When the last direct exchange ended, or -1 while a request is being served (on either path). */
    private long idleSince = -1;
    /**
     * Whether Reactor Netty's handler may be in the pipeline: it adds one when the connection opens and after each
     * answer it writes, so only then does a direct request need to look for it (a pipeline lookup is a linear scan).
     */
    private boolean reactorMayBeTiming = true;
    private ScheduledFuture<?> check;

    private IdleTimeout(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** A new connection's timeout; {@code timeout} null means none. */
    static IdleTimeout of(Duration timeout) {
        return timeout == null || timeout.isZero() || timeout.isNegative() ? NONE : new IdleTimeout(timeout.toNanos());
    }

    /** A request arrived: the connection is not idle until a direct exchange ends. */
    void suspend(ChannelHandlerContext ctx) {
        if (timeoutNanos == 0) {
            return;
        }
        idleSince = -1;
        if (reactorMayBeTiming) {
            reactorMayBeTiming = false;
            if (ctx.pipeline().get(NettyPipeline.IdleTimeoutHandler) != null) {
                ctx.pipeline().remove(NettyPipeline.IdleTimeoutHandler);
            }
        }
    }

    /** A request went to Reactor Netty, which times the connection again once its answer is written. */
    void passedOn() {
        if (timeoutNanos != 0) {
            reactorMayBeTiming = true;
        }
    }

    /** A direct exchange ended with the connection kept open: it waits for its next request from now on. */
    void resume(ChannelHandlerContext ctx) {
        if (timeoutNanos == 0) {
            return;
        }
        idleSince = System.nanoTime();
        if (check == null) {
            check = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs at most once per timeout period: a connection that served a request since the last check is looked at
     * again when its own time is up; one serving a request, or left to Reactor Netty's handler, is not timed here.
     */
    private void check(ChannelHandlerContext ctx) {
        check = null;
        if (idleSince < 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = idleSince + timeoutNanos - System.nanoTime();
        if (left > 0) {
            check = ctx.executor().schedule(() -> check(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        ctx.close();
    }
}
