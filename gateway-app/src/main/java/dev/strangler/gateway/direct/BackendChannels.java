package dev.strangler.gateway.direct;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Keep-alive connections to backends, for the direct path. Each event loop has its own: a request is served on the
 * loop its client connection lives on, and its backend connection lives there too, so no request crosses threads
 * and the pool needs no locks. A connection is reused only after a complete request and response that both left it
 * open; one the backend closes while idle leaves the pool when Netty sees it close.
 */
final class BackendChannels implements AutoCloseable {

    /** Netty's transports this path can open backend connections on: those Reactor Netty serves on, on Linux. */
    enum Transport {
        EPOLL(EpollSocketChannel.class, EpollDatagramChannel.class),
        NIO(NioSocketChannel.class, NioDatagramChannel.class);

        final Class<? extends SocketChannel> socket;
        final Class<? extends DatagramChannel> datagram;

        Transport(Class<? extends SocketChannel> socket, Class<? extends DatagramChannel> datagram) {
            this.socket = socket;
            this.datagram = datagram;
        }

        /** The transport of a client connection, or null for one this path cannot open backend connections beside. */
        static Transport of(Channel client) {
            return client instanceof EpollSocketChannel ? EPOLL : client instanceof NioSocketChannel ? NIO : null;
        }
    }

    private final int connectTimeoutMillis;
    private final long maxIdleNanos;
    private final FastThreadLocal<Map<BackendAddresses.BackendAddress, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<BackendAddresses.BackendAddress, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    /** Asynchronous DNS, as Reactor Netty's client uses: a blocking lookup would stall every request on the loop. */
    private final Map<Transport, DnsAddressResolverGroup> resolvers = new ConcurrentHashMap<>();

    /**
     * @param connectTimeoutMillis how long a new connection may take, or 0 for Netty's default
     * @param maxIdleTime          how long a connection may wait in the pool before it is closed instead of reused,
     *                             or null for no limit
     */
    BackendChannels(int connectTimeoutMillis, Duration maxIdleTime) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxIdleNanos = maxIdleTime == null ? Long.MAX_VALUE : maxIdleTime.toNanos();
    }

    /** An open pooled connection to {@code address}, most recently used first, or null; on the loop's thread. */
    Channel pooled(BackendAddresses.BackendAddress address) {
        ArrayDeque<Channel> channels = idle.get().get(address);
        if (channels == null) {
            return null;
        }
        long now = System.nanoTime();
        Channel channel;
        while ((channel = channels.pollLast()) != null) {
            BackendHandler handler = handler(channel);
            if (channel.isActive() && now - handler.idleSince < maxIdleNanos) {
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /** A new connection to {@code address} on {@code loop}. */
    ChannelFuture connect(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport.socket)
                .resolver(resolvers.computeIfAbsent(transport, t -> new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                        .datagramChannelType(t.datagram).socketChannelType(t.socket))))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new BackendHandler(address));
                    }
                });
        if (connectTimeoutMillis > 0) {
            bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        }
        return bootstrap.connect(address.address());
    }

    /** Hands the connection's events to {@code exchange}, or to nobody when null. */
    static void attach(Channel channel, DirectExchange exchange) {
        handler(channel).exchange = exchange;
    }

    /** Puts a connection whose request and response are both complete back in its loop's pool. */
    void release(Channel channel) {
        BackendHandler handler = handler(channel);
        handler.exchange = null;
        handler.idleSince = System.nanoTime();
        // An exchange may have paused its reads for a slow client.
        channel.config().setAutoRead(true);
        idle.get().computeIfAbsent(handler.address, a -> new ArrayDeque<>()).addLast(channel);
    }

    private static BackendHandler handler(Channel channel) {
        return channel.pipeline().get(BackendHandler.class);
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsAddressResolverGroup::close);
    }

    /** Passes a backend connection's events to the exchange using it. */
    private final class BackendHandler extends ChannelInboundHandlerAdapter {
        final BackendAddresses.BackendAddress address;
        DirectExchange exchange;
        long idleSince;

        BackendHandler(BackendAddresses.BackendAddress address) {
            this.address = address;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (exchange != null) {
                exchange.backendRead(msg);
            }
            else {
                // An idle connection has nothing to say; one that does cannot be trusted with the next request.
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (exchange != null) {
                exchange.backendReadComplete();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (exchange != null) {
                exchange.backendWritabilityChanged();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (exchange != null) {
                exchange.backendFailed(null);
            }
            else {
                ArrayDeque<Channel> channels = idle.get().get(address);
                if (channels != null) {
                    channels.remove(ctx.channel());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (exchange != null) {
                exchange.backendFailed(cause);
            }
            ctx.close();
        }
    }
}
