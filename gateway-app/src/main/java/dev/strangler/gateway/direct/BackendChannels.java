package dev.strangler.gateway.direct;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import dev.strangler.gateway.web.BackendFailure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import reactor.netty.http.HttpDecoderSpec;

/**
 * Keep-alive connections to backends, for the direct path. Each event loop has its own pool per backend address: a
 * request is served on the loop its client connection lives on, and its backend connection lives there too, so no
 * request crosses threads and the pool needs no locks. A connection is reused only after a complete request and
 * response that both left it open; one the backend closes while idle leaves the pool when Netty sees it close.
 *
 * <p>The pool keeps the limits of Spring Cloud Gateway's own ({@link PoolSettings}), split over the event loops:
 * past its share of connections, a request waits in its loop's queue, first come first served, until a connection
 * is given back or closed, or fails as Reactor Netty's pending acquire does when the acquire timeout passes.
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

    private static final String METER_PREFIX = "reactor.netty.connection.provider.";

    private final int connectTimeoutMillis;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final PoolSettings settings;
    private final long maxIdleNanos;
    private final long maxLifeNanos;
    /** Where the pools' gauges go, or null when {@code pool.metrics} is off. */
    private final MeterRegistry meters;
    private final FastThreadLocal<Map<BackendAddresses.BackendAddress, LoopPool>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<BackendAddresses.BackendAddress, LoopPool> initialValue() {
            return new HashMap<>();
        }
    };
    /** Every loop's pools per address, for the gauges, which sum them; written once per loop and address. */
    private final Map<BackendAddresses.BackendAddress, Queue<LoopPool>> gauged = new ConcurrentHashMap<>();
    /** Asynchronous DNS, as Reactor Netty's client uses: a blocking lookup would stall every request on the loop. */
    private final Map<Transport, DnsAddressResolverGroup> resolvers = new ConcurrentHashMap<>();

    /**
     * @param connectTimeoutMillis how long a new connection may take, or 0 for Netty's default
     * @param maxInitialLineLength the longest status line a backend may answer with, as Reactor Netty's client allows
     * @param maxHeaderSize        the most bytes of headers a backend may answer with, likewise
     * @param meters               where the pools' gauges go when {@code settings.metrics()}, else unused
     */
    BackendChannels(int connectTimeoutMillis, int maxInitialLineLength, int maxHeaderSize, PoolSettings settings,
            MeterRegistry meters) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderSize = maxHeaderSize;
        this.settings = settings;
        this.maxIdleNanos = settings.maxIdleTime() == null ? Long.MAX_VALUE : settings.maxIdleTime().toNanos();
        this.maxLifeNanos = settings.maxLifeTime() == null ? Long.MAX_VALUE : settings.maxLifeTime().toNanos();
        this.meters = settings.metrics() ? meters : null;
    }

    /** What waits for a backend connection: told on its loop once it has one, or once it will get none. */
    interface Lease {
        /**
         * A connection, open and leased to this lease alone until {@link #release} or its close: a new one, or, when
         * {@code reused}, one given back by another request, which the backend may be closing just now.
         */
        void acquired(Channel channel, boolean reused);

        /** No connection: the connect failed, or none freed within the acquire timeout. */
        void notAcquired(Throwable cause);
    }

    /**
     * An idle connection to {@code address} on {@code loop} (the caller's own), leased at once; or null, and then
     * {@code lease} is told later (or before this returns, should a connect fail at once) of a connection opened or
     * freed for it, or of the failure.
     */
    Channel acquire(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address, Lease lease) {
        LoopPool pool = pools.get().get(address);
        if (pool == null) {
            pool = newPool(loop, transport, address);
        }
        return pool.acquire(lease, true);
    }

    /**
     * A new connection to {@code address}, never an idle one, counted in the pool as any other: for a request a reused
     * connection refused, which must not meet another backend closing it. {@code lease} is told of it, or of the
     * failure, as {@link #acquire} tells.
     */
    void acquireNew(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address, Lease lease) {
        LoopPool pool = pools.get().get(address);
        if (pool == null) {
            pool = newPool(loop, transport, address);
        }
        pool.acquire(lease, false);
    }

    /** Takes {@code lease} out of its pool's queue, if it waits there: its request no longer wants a connection. */
    void cancel(BackendAddresses.BackendAddress address, Lease lease) {
        LoopPool pool = pools.get().get(address);
        if (pool != null) {
            pool.leave(lease);
        }
    }

    /** Gives back a connection whose request and response are both complete; on its loop's thread. */
    void release(Channel channel) {
        BackendHandler handler = handler(channel);
        handler.pool.release(channel, handler);
    }

    /** Hands the connection's events to {@code exchange}, or to nobody when null. */
    static void attach(Channel channel, DirectExchange exchange) {
        handler(channel).exchange = exchange;
    }

    private LoopPool newPool(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address) {
        int loops = loops(loop);
        LoopPool pool = new LoopPool(loop, transport, address, settings.perLoop(loops));
        pools.get().put(address, pool);
        if (settings.evictionInterval().toNanos() > 0) {
            long every = settings.evictionInterval().toNanos();
            loop.scheduleAtFixedRate(pool::evict, every, every, TimeUnit.NANOSECONDS);
        }
        if (meters != null) {
            gauged.computeIfAbsent(address, a -> register(a, settings.maxConnections())).add(pool);
        }
        return pool;
    }

    /** The number of event loops in {@code loop}'s group: Reactor Netty's worker count, on the public port. */
    private static int loops(EventLoop loop) {
        EventExecutorGroup group = loop.parent();
        return group instanceof MultithreadEventExecutorGroup multi ? multi.executorCount() : 1;
    }

    /**
     * Reactor Netty's pool gauges (ConnectionProviderMeters), under its names and tags, with the id {@code direct}:
     * a dashboard of the client pool thus shows this path's connections beside those of Spring Cloud Gateway's
     * client, and a sum by remote address gives all the gateway holds to a backend.
     */
    private Queue<LoopPool> register(BackendAddresses.BackendAddress address, int maxConnections) {
        Queue<LoopPool> perLoop = new ConcurrentLinkedQueue<>();
        Tags tags = Tags.of("id", "direct", "name", settings.name(), "remote.address",
                address.address().getHostString() + ":" + address.address().getPort());
        gauge("total.connections", tags, perLoop, LoopPool::total);
        gauge("active.connections", tags, perLoop, LoopPool::active);
        gauge("idle.connections", tags, perLoop, LoopPool::idle);
        gauge("pending.connections", tags, perLoop, LoopPool::pending);
        Gauge.builder(METER_PREFIX + "max.connections", () -> maxConnections).tags(tags).register(meters);
        return perLoop;
    }

    private void gauge(String name, Tags tags, Queue<LoopPool> perLoop, ToIntFunction<LoopPool> figure) {
        Gauge.builder(METER_PREFIX + name, perLoop, pools -> pools.stream().mapToInt(figure).sum()).tags(tags)
                .strongReference(true).register(meters);
    }

    /** A new connection to {@code address} on {@code loop}, counted in {@code pool}. */
    private ChannelFuture connect(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address, LoopPool pool) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport.socket)
                .resolver(resolvers.computeIfAbsent(transport, t -> new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                        .datagramChannelType(t.datagram).socketChannelType(t.socket))))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new HttpClientCodec(maxInitialLineLength, maxHeaderSize, HttpDecoderSpec.DEFAULT_MAX_CHUNK_SIZE),
                                new BackendHandler(pool));
                    }
                });
        if (connectTimeoutMillis > 0) {
            bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        }
        return bootstrap.connect(address.address());
    }

    private static BackendHandler handler(Channel channel) {
        return channel.pipeline().get(BackendHandler.class);
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsAddressResolverGroup::close);
    }

    /**
     * One event loop's connections to one backend address. Only its loop's thread changes it; the counts are
     * published with release stores so that the gauges, read on another thread, see them whole.
     */
    private final class LoopPool {
        private static final VarHandle TOTAL;
        private static final VarHandle ACTIVE;
        private static final VarHandle IDLE;
        private static final VarHandle PENDING;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                TOTAL = lookup.findVarHandle(LoopPool.class, "totalCount", int.class);
                ACTIVE = lookup.findVarHandle(LoopPool.class, "activeCount", int.class);
                IDLE = lookup.findVarHandle(LoopPool.class, "idleCount", int.class);
                PENDING = lookup.findVarHandle(LoopPool.class, "pendingCount", int.class);
            }
            catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final EventLoop loop;
        final Transport transport;
        final BackendAddresses.BackendAddress address;
        /** Connections open or opening at most. */
        final int limit;
        private final ArrayDeque<Channel> idleChannels = new ArrayDeque<>();
        private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        /** Connections open or being opened. */
        private int totalCount;
        /** Connections leased to a request. */
        private int activeCount;
        private int idleCount;
        private int pendingCount;

        LoopPool(EventLoop loop, Transport transport, BackendAddresses.BackendAddress address, int limit) {
            this.loop = loop;
            this.transport = transport;
            this.address = address;
            this.limit = limit;
        }

        Channel acquire(Lease lease, boolean reuse) {
            Channel channel = reuse ? pollIdle() : null;
            if (channel != null) {
                return channel;
            }
            if (totalCount < limit) {
                open(lease);
            }
            else {
                await(lease, !reuse);
            }
            return null;
        }

        void leave(Lease lease) {
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (waiter.lease == lease) {
                    it.remove();
                    waiter.cancel();
                    PENDING.setRelease(this, pendingCount - 1);
                    return;
                }
            }
        }

        /** An idle connection, leased, or null; those past the idle or life limit are closed on the way. */
        private Channel pollIdle() {
            if (idleCount == 0) {
                return null;
            }
            long now = System.nanoTime();
            Channel channel;
            while ((channel = settings.lifo() ? idleChannels.pollLast() : idleChannels.pollFirst()) != null) {
                BackendHandler handler = handler(channel);
                handler.idle = false;
                IDLE.setRelease(this, idleCount - 1);
                if (channel.isActive() && handler.fresh(now, true)) {
                    lease(handler);
                    return channel;
                }
                channel.close();
            }
            return null;
        }

        private void lease(BackendHandler handler) {
            handler.leased = true;
            ACTIVE.setRelease(this, activeCount + 1);
        }

        private void open(Lease lease) {
            TOTAL.setRelease(this, totalCount + 1);
            connect(loop, transport, address, this).addListener((ChannelFutureListener) connected -> {
                if (connected.isSuccess()) {
                    Channel channel = connected.channel();
                    lease(handler(channel));
                    lease.acquired(channel, false);
                }
                else {
                    TOTAL.setRelease(this, totalCount - 1);
                    lease.notAcquired(connected.cause());
                    serveWaiting();
                }
            });
        }

        private void await(Lease lease, boolean newOnly) {
            Waiter waiter = new Waiter(lease, newOnly);
            long timeout = settings.acquireTimeout().toNanos();
            if (timeout > 0) {
                waiter.timeout = loop.schedule(() -> timedOut(waiter), timeout, TimeUnit.NANOSECONDS);
            }
            waiting.addLast(waiter);
            PENDING.setRelease(this, pendingCount + 1);
        }

        private void timedOut(Waiter waiter) {
            if (waiting.remove(waiter)) {
                PENDING.setRelease(this, pendingCount - 1);
                waiter.lease.notAcquired(new BackendFailure.PoolExhausted(settings.acquireTimeout()));
            }
        }

        void release(Channel channel, BackendHandler handler) {
            handler.exchange = null;
            handler.leased = false;
            ACTIVE.setRelease(this, activeCount - 1);
            // An exchange may have paused its reads for a slow client.
            channel.config().setAutoRead(true);
            long now = System.nanoTime();
            if (!settings.reuses() || !channel.isActive() || !handler.fresh(now, false)) {
                // Closing frees its place for the next waiting request (channelInactive).
                channel.close();
                return;
            }
            Waiter waiter = firstReusing();
            if (waiter != null) {
                PENDING.setRelease(this, pendingCount - 1);
                waiter.cancel();
                lease(handler);
                waiter.lease.acquired(channel, true);
                return;
            }
            handler.idle = true;
            handler.idleSince = now;
            idleChannels.addLast(channel);
            IDLE.setRelease(this, idleCount + 1);
        }

        /** A connection of this pool closed: its place goes to the first request waiting, if any. */
        void closed(Channel channel, BackendHandler handler) {
            TOTAL.setRelease(this, totalCount - 1);
            if (handler.leased) {
                handler.leased = false;
                ACTIVE.setRelease(this, activeCount - 1);
            }
            else if (handler.idle) {
                handler.idle = false;
                idleChannels.remove(channel);
                IDLE.setRelease(this, idleCount - 1);
            }
            serveWaiting();
        }

        /** The first waiting request that may take a connection given back, out of the queue; or null. */
        private Waiter firstReusing() {
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (!waiter.newOnly) {
                    it.remove();
                    return waiter;
                }
            }
            return null;
        }

        private void serveWaiting() {
            while (totalCount < limit && !waiting.isEmpty()) {
                Waiter waiter = waiting.pollFirst();
                PENDING.setRelease(this, pendingCount - 1);
                waiter.cancel();
                open(waiter.lease);
            }
        }

        /** Closes idle connections past the idle or life limit, as Reactor Netty's background eviction does. */
        void evict() {
            long now = System.nanoTime();
            for (Iterator<Channel> it = idleChannels.iterator(); it.hasNext();) {
                Channel channel = it.next();
                BackendHandler handler = handler(channel);
                if (!handler.fresh(now, true)) {
                    it.remove();
                    handler.idle = false;
                    IDLE.setRelease(this, idleCount - 1);
                    channel.close();
                }
            }
        }

        int total() {
            return (int) TOTAL.getAcquire(this);
        }

        int active() {
            return (int) ACTIVE.getAcquire(this);
        }

        int idle() {
            return (int) IDLE.getAcquire(this);
        }

        int pending() {
            return (int) PENDING.getAcquire(this);
        }
    }

    /** A request waiting for a connection of a pool at its limit. */
    private static final class Waiter {
        final Lease lease;
        /** Waits for a place to open a new connection in, not for one given back. */
        final boolean newOnly;
        ScheduledFuture<?> timeout;

        Waiter(Lease lease, boolean newOnly) {
            this.lease = lease;
            this.newOnly = newOnly;
        }

        void cancel() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    /** Passes a backend connection's events to the exchange using it, and keeps its place in its pool. */
    private final class BackendHandler extends ChannelInboundHandlerAdapter {
        final LoopPool pool;
        final long openedAt = System.nanoTime();
        DirectExchange exchange;
        boolean leased;
        boolean idle;
        long idleSince;

        BackendHandler(LoopPool pool) {
            this.pool = pool;
        }

        /** Within the life limit, and within the idle limit too when {@code idleToo}. */
        boolean fresh(long now, boolean idleToo) {
            return now - openedAt < maxLifeNanos && (!idleToo || now - idleSince < maxIdleNanos);
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
            pool.closed(ctx.channel(), this);
            if (exchange != null) {
                exchange.backendFailed(null);
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
