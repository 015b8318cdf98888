package dev.strangler.gateway.direct;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.EventLoop;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Response timeouts armed on the event loop that serves the request. Reactor's default timer is a shared
 * thread pool: arming it takes a lock and can wake one of its threads on every request, while a timer on the
 * request's own event loop is a queue entry that the loop checks anyway.
 */
final class EventLoopTimers {

    private final Map<EventLoop, Scheduler> byLoop = new ConcurrentHashMap<>();

    Scheduler of(HttpServerRequest request) {
        EventLoop[] loop = new EventLoop[1];
        request.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        Scheduler scheduler = byLoop.get(loop[0]);
        return scheduler != null ? scheduler : byLoop.computeIfAbsent(loop[0], Schedulers::fromExecutorService);
    }
}
