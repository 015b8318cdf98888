package dev.strangler.gateway.direct;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.Resilience;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.CompiledRoute;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutePlanner;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.shadow.ShadowCopies;
import dev.strangler.gateway.web.CarriedDecision;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;

/**
 * The public port's fast path. A request of a legacy, migrated or canary route to a plain http backend, with no
 * shadow copy, is proxied on Netty's channel pipeline, below Reactor Netty and Spring WebFlux, and so is a bodiless
 * safe request of a route with retries or a fallback, which may go to a backend more than once; a request with a body
 * that the route would retry or send to its fallback, and everything else, goes on to them unchanged.
 * Reactor Netty's server and client, with Spring WebFlux and the gateway's filter chain above them, cost several
 * times the CPU per request of the proxying itself, and these requests are most of the traffic of a migration.
 *
 * <p>The client sees the same as on the other path: the same routing decision, X-Forwarded-* policy, hop-by-hop
 * and X-Strangler-* header handling, response tags, retries, fallback, circuit breaker, timeouts and problem+json
 * errors (the rules of {@link Recovery}, which Spring Cloud Gateway's path follows too); the same
 * strangler.requests metrics, live route figures and access log line; a server span that continues the caller's
 * trace. Requests this path does not take, or cannot read exactly as the other path would (a path the normalizer
 * rejects, a hidden path, an upgrade, gRPC, HTTP/1.0, Expect), go to Spring Cloud Gateway, which answers them as it
 * always did.
 *
 * <p>This object is shared; each client connection has its own {@link DirectConnection}, each request its own
 * {@link DirectExchange}, and each event loop its own backend connections ({@link BackendChannels}).
 */
public final class DirectProxy {

    final ForwardedHeadersPolicy forwarded;
    final RouteBreakers breakers;
    final TrafficObserver observer;
    final RequestSpans spans;
    final BackendChannels backendChannels;
    final ResponseTags tags;
    final Recovery recovery;
    final HopByHop hopByHop;
    private final RoutePlanner planner;
    /** Makes the copies of shadow routes, shared with Spring Cloud Gateway's path; null when there are none. */
    final ShadowCopies shadows;
    private final HiddenPaths hidden;
    private final BackendAddresses backends = new BackendAddresses();
    private final Duration responseTimeout;
    private final boolean enabled;
    private final Duration idleTimeout;
    private final int maxKeepAliveRequests;
    /** Exchanges between their request's arrival and their response's last byte, over all connections. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param responseTimeout the gateway-wide response timeout, or null for none; a route's own timeout wins
     * @param hopByHop        the headers Spring Cloud Gateway's RemoveHopByHopHeadersFilter drops
     * @param enabled         false sends every request on to Spring Cloud Gateway
     * @param idleTimeout     the server's idle timeout for connections between requests, or null for none
     * @param maxKeepAliveRequests the answers a client connection carries before it closes
     *                        ({@code server.netty.max-keep-alive-requests}), or null for no limit
     */
    DirectProxy(RoutePlanner planner, HiddenPaths hidden, ForwardedHeadersPolicy forwarded, RouteBreakers breakers,
            TrafficObserver observer, RequestSpans spans, BackendChannels backendChannels, Duration responseTimeout,
            ResponseTags tags, Recovery recovery, HopByHop hopByHop, boolean enabled, Duration idleTimeout,
            Integer maxKeepAliveRequests, ShadowCopies shadows) {
        this.planner = planner;
        this.shadows = shadows;
        this.recovery = recovery;
        this.hidden = hidden;
        this.forwarded = forwarded;
        this.breakers = breakers;
        this.observer = observer;
        this.spans = spans;
        this.backendChannels = backendChannels;
        this.responseTimeout = responseTimeout;
        this.tags = tags;
        this.hopByHop = hopByHop;
        this.enabled = enabled;
        this.idleTimeout = idleTimeout;
        // Reactor Netty's -1, like no setting, means no limit; 0 is no count this path's counter reaches.
        this.maxKeepAliveRequests = maxKeepAliveRequests == null || maxKeepAliveRequests < 0 ? 0 : maxKeepAliveRequests;
    }

    /** The handler for one new client connection. */
    ChannelHandler connectionHandler(Channel channel) {
        return new DirectConnection(this, BackendChannels.Transport.of(channel), IdleTimeout.of(idleTimeout),
                channel.pipeline().get(SslHandler.class) != null, maxKeepAliveRequests);
    }

    void exchangeStarted() {
        inFlight.incrementAndGet();
    }

    void exchangeEnded() {
        inFlight.decrementAndGet();
    }

    /** Waits, up to {@code timeout}, until no request is being proxied on this path; true when none is. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The plan for a request this path takes, or null when Spring Cloud Gateway serves it. */
    Plan plan(HttpRequest request) {
        if (!enabled || !request.decoderResult().isSuccess() || request.protocolVersion() != HttpVersion.HTTP_1_1) {
            return null;
        }
        HttpHeaders headers = request.headers();
        if (isProtocolSwitch(headers.get(HttpHeaderNames.UPGRADE)) || isGrpc(headers.get(HttpHeaderNames.CONTENT_TYPE))
                || headers.contains(HttpHeaderNames.EXPECT)) {
            return null;
        }
        String uri = request.uri();
        if (!isOriginForm(uri)) {
            return null;
        }
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        RequestPath path;
        try {
            path = PathNormalizer.normalize(rawPath);
        }
        catch (PathNormalizer.RejectedPathException e) {
            return null;
        }
        if (hidden.hides(path)) {
            return null;
        }
        String method = request.method().name();
        RouteTable.Match match = planner.resolve(method, path);
        RoutingDecision decision = planner.decide(match, new NettyRequestView(request, path));
        // From here on, a request this path does not serve is handed on with its decision, which Spring Cloud Gateway
        // then takes as it is: a shadow copy or a canary cookie is drawn once per request.
        Plan.Shadow shadow = null;
        if (decision.shadowTarget() != null) {
            // This path copies a request without a body; Spring Cloud Gateway's path copies the others (writes with
            // their bodies), tee and all.
            if (shadows == null || !Resilience.isSafe(method) || HttpUtil.getContentLength(request, 0L) > 0
                    || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                return handOver(request, decision);
            }
            shadow = new Plan.Shadow(path, q < 0 ? null : uri.substring(q + 1));
        }
        CompiledRoute route = decision.route();
        Resilience resilience = route.spec() == null ? Resilience.NONE : route.spec().resilience();
        Backend backend = decision.backend();
        BackendAddresses.BackendAddress address = backends.of(backend);
        if (address == null) {
            return handOver(request, decision);
        }
        int retries = Recovery.retries(decision, method);
        Plan.Fallback fallback = null;
        if (retries > 0 || Recovery.fallsBack(decision, method)) {
            // Each attempt sends the request again, which a body streamed through cannot be.
            if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0) {
                return handOver(request, decision);
            }
            if (Recovery.fallsBack(decision, method)) {
                RoutingDecision fallenBack = decision.fallenBackTo(route.fallback(), null);
                BackendAddresses.BackendAddress fallbackAddress = backends.of(fallenBack.backend());
                if (fallbackAddress == null) {
                    return handOver(request, decision);
                }
                fallback = new Plan.Fallback(fallbackAddress, target(fallbackAddress, fallenBack.forwardPath(path), uri, q));
            }
        }
        Duration timeout = resilience.timeout() != null ? resilience.timeout() : responseTimeout;
        CircuitBreaker breaker = decision.toNewService() ? breakers.breaker(route.id(), backend.name(), resilience.circuitBreaker()) : null;
        return new Plan(decision, rawPath, address, target(address, decision.forwardPath(path), uri, q), timeout, breaker, retries,
                fallback, shadow, null);
    }

    /**
     * Spring Cloud Gateway serves the request; with this decision when it drew something (a shadow copy or not, a new
     * canary key), which deciding again could draw otherwise. A decision without a draw is taken again as it was.
     */
    private static Plan handOver(HttpRequest request, RoutingDecision decision) {
        boolean drawn = decision.route().stage() instanceof Stage.Shadow || decision.setCookie() != null;
        return drawn ? Plan.handOver(decision, CarriedDecision.carrying(request, decision)) : null;
    }

    /** The request target a backend gets: its own path prefix, the forwarded path and the client's query, if any. */
    private static String target(BackendAddresses.BackendAddress address, String forwardPath, String uri, int q) {
        String prefix = address.pathPrefix();
        StringBuilder target = new StringBuilder(prefix.length() + forwardPath.length() + (q < 0 ? 0 : uri.length() - q));
        target.append(prefix).append(forwardPath);
        if (q >= 0) {
            target.append(uri, q, uri.length());
        }
        return target.toString();
    }

    /** A WebSocket or other upgrade; an offer of HTTP/2 (h2c), which Java's HTTP client makes by default, is ignored on both paths. */
    private static boolean isProtocolSwitch(String upgrade) {
        return upgrade != null && !upgrade.equalsIgnoreCase("h2c");
    }

    private static boolean isGrpc(String contentType) {
        return contentType != null && contentType.regionMatches(true, 0, "application/grpc", 0, 16);
    }

    /**
     * Whether the request target is a plain path and query of characters that a URI may hold as they are, with
     * well-formed escapes; anything else (an absolute URI, a fragment, a space, a bad escape) goes to the other path,
     * which parses it as it always has.
     */
    static boolean isOriginForm(String uri) {
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%') {
                // The other path refuses a malformed escape (400) when it parses the URI; so must this one.
                if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
                    return false;
                }
                continue;
            }
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
