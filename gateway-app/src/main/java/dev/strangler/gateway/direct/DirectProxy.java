package dev.strangler.gateway.direct;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.Resilience;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.CompiledRoute;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.MigrationRoutingFilter;
import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.web.BackendFailure;
import dev.strangler.gateway.web.BackendProblem;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The public port's first handler. A request that needs only a route lookup and one call to its backend (a legacy
 * or migrated route, no retries, no fallback, no shadow copy, no canary split) is proxied here, on Reactor Netty
 * directly; everything else goes to Spring Cloud Gateway unchanged. Spring WebFlux and the gateway's filter chain
 * cost more CPU per request than the proxying itself, and these requests are most of the traffic of a migration.
 *
 * <p>The client sees the same as on the other path: the same routing decision, X-Forwarded-* policy, hop-by-hop
 * and X-Strangler-* header handling, response tags, circuit breaker, timeouts and problem+json errors; the same
 * strangler.requests metrics, live route figures and access log line; a server span that continues the caller's
 * trace. Requests this path does not take, or cannot read exactly as the other path would (a path the normalizer
 * rejects, a hidden path, an upgrade, gRPC), go to Spring Cloud Gateway, which answers them as it always did.
 */
public final class DirectProxy implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final List<AsciiString> CLIENT_DEFAULTS = List.of(HttpHeaderNames.USER_AGENT, HttpHeaderNames.ACCEPT);

    private final ActiveRouteTable table;
    private final HiddenPaths hidden;
    private final ForwardedHeadersPolicy forwarded;
    private final RouteBreakers breakers;
    private final TrafficObserver observer;
    private final RequestSpans spans;
    private final EventLoopTimers timers = new EventLoopTimers();
    private final BackendTargets targets;
    private final Duration responseTimeout;
    private final boolean tagResponses;
    private final boolean enabled;
    private final Supplier<ReactorHttpHandlerAdapter> springSupplier;
    private volatile ReactorHttpHandlerAdapter spring;

    /**
     * @param client          the client Spring Cloud Gateway proxies with, so both paths share its pool and settings
     * @param responseTimeout the gateway-wide response timeout, or null for none; a route's own timeout wins
     * @param spring          the Spring WebFlux handler, asked for at the first request it must serve
     */
    public DirectProxy(ActiveRouteTable table, HiddenPaths hidden, ForwardedHeadersPolicy forwarded, RouteBreakers breakers,
            TrafficObserver observer, RequestSpans spans, HttpClient client, Duration responseTimeout, boolean tagResponses,
            boolean enabled, Supplier<ReactorHttpHandlerAdapter> spring) {
        this.table = table;
        this.hidden = hidden;
        this.forwarded = forwarded;
        this.breakers = breakers;
        this.observer = observer;
        this.spans = spans;
        this.targets = new BackendTargets(client);
        this.responseTimeout = responseTimeout;
        this.tagResponses = tagResponses;
        this.enabled = enabled;
        this.springSupplier = spring;
    }

    @Override
    public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
        Plan plan = enabled ? plan(request) : null;
        return plan == null ? spring().apply(request, response) : proxy(request, response, plan);
    }

    private ReactorHttpHandlerAdapter spring() {
        ReactorHttpHandlerAdapter adapter = spring;
        if (adapter == null) {
            adapter = springSupplier.get();
            spring = adapter;
        }
        return adapter;
    }

    /** What the direct path does with a request, decided before anything is sent. */
    private record Plan(RoutingDecision decision, String path, HttpClient client, String url, Duration timeout, CircuitBreaker breaker) {
    }

    /** The plan for a request this path takes, or null when Spring Cloud Gateway serves it. */
    Plan plan(HttpServerRequest request) {
        HttpHeaders headers = request.requestHeaders();
        if (isProtocolSwitch(headers.get(HttpHeaderNames.UPGRADE)) || isGrpc(headers.get(HttpHeaderNames.CONTENT_TYPE))) {
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
        HttpMethod method = request.method();
        RouteTable.Match match = table.current().resolve(method.name(), path);
        CompiledRoute route = match.route();
        Stage stage = route.stage();
        boolean toNew;
        if (stage instanceof Stage.Migrated) {
            toNew = true;
        }
        else if (stage instanceof Stage.Legacy) {
            toNew = false;
        }
        else {
            return null;
        }
        Resilience resilience = route.spec() == null ? Resilience.NONE : route.spec().resilience();
        if (Resilience.isSafe(method.name()) && (resilience.retries() > 0 || (toNew && route.fallback() != null))) {
            return null;
        }
        Backend backend = toNew ? route.target() : route.legacy();
        RoutingDecision decision = new RoutingDecision(route, match.pattern(), backend, toNew, null);
        String forwardPath = decision.forwardPath(path);
        BackendTargets.Target target = targets.of(backend);
        String prefix = target.prefix();
        StringBuilder url = new StringBuilder(prefix.length() + forwardPath.length() + (uri.length() - rawPath.length()));
        url.append(prefix).append(forwardPath);
        if (q >= 0) {
            url.append(uri, q, uri.length());
        }
        Duration timeout = resilience.timeout() != null ? resilience.timeout() : responseTimeout;
        CircuitBreaker breaker = toNew ? breakers.breaker(route.id(), backend.name(), resilience.circuitBreaker()) : null;
        return new Plan(decision, rawPath, target.client(), url.toString(), timeout, breaker);
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

    /** The state of one proxied request, completed once. */
    private static final class Exchange {
        /** Stands in {@link #connection} once the request has failed or been cancelled: a late answer is then closed. */
        static final Object ABANDONED = new Object();

        final long start = System.nanoTime();
        /** Set once the breaker has been told how the call went, so that a late cancel cannot tell it again. */
        final AtomicBoolean settled = new AtomicBoolean();
        /**
         * The backend connection, between the answer's arrival and the response taking it. The answer can arrive on
         * another event loop just as a timeout or the client's cancel drops it; whoever comes second closes it.
         */
        final AtomicReference<Object> connection = new AtomicReference<>();
        Span span;
        long breakerStart;
        int status;
        BackendFailure failure;
        Throwable error;

        void abandon() {
            Object held = connection.getAndSet(ABANDONED);
            if (held instanceof Connection backend) {
                backend.dispose();
            }
        }
    }

    private record Answer(HttpClientResponse response, Connection connection) {
    }

    private Mono<Void> proxy(HttpServerRequest request, HttpServerResponse response, Plan plan) {
        Exchange exchange = new Exchange();
        exchange.span = spans.start(request, plan.decision().pattern());
        CircuitBreaker breaker = plan.breaker();
        Mono<Void> served;
        if (breaker != null && !breaker.tryAcquirePermission()) {
            served = fail(request, response, plan, exchange, CallNotPermittedException.createCallNotPermittedException(breaker));
        }
        else {
            exchange.breakerStart = breaker == null ? 0 : breaker.getCurrentTimestamp();
            served = call(request, plan, exchange)
                    .flatMap(answer -> {
                        int status = answer.response().status().code();
                        if (breaker != null && exchange.settled.compareAndSet(false, true)) {
                            long took = breaker.getCurrentTimestamp() - exchange.breakerStart;
                            if (status >= 500) {
                                breaker.onError(took, breaker.getTimestampUnit(), new BackendFailure.UpstreamServerError(status));
                            }
                            else {
                                breaker.onSuccess(took, breaker.getTimestampUnit());
                            }
                        }
                        return respond(response, plan, exchange, answer);
                    })
                    .onErrorResume(error -> {
                        exchange.abandon();
                        if (breaker != null && exchange.settled.compareAndSet(false, true)) {
                            breaker.onError(breaker.getCurrentTimestamp() - exchange.breakerStart, breaker.getTimestampUnit(), error);
                        }
                        return fail(request, response, plan, exchange, error);
                    })
                    .doOnCancel(() -> {
                        exchange.abandon();
                        if (breaker != null && exchange.settled.compareAndSet(false, true)) {
                            breaker.releasePermission();
                        }
                    });
        }
        return served.doFinally(signal -> finish(request, plan, exchange, signal));
    }

    private Mono<Answer> call(HttpServerRequest request, Plan plan, Exchange exchange) {
        Mono<Answer> answer = plan.client().request(request.method())
                .uri(plan.url())
                .send((out, body) -> {
                    // Written into the request itself: HttpClient.headers(...) would copy the client's whole
                    // configuration on every request.
                    copyRequestHeaders(request, out.requestHeaders(), exchange.span);
                    return body.send(request.receive().retain());
                })
                .responseConnection((res, connection) -> {
                    if (!exchange.connection.compareAndSet(null, connection)) {
                        connection.dispose();
                        return Mono.empty();
                    }
                    return Mono.just(new Answer(res, connection));
                })
                .next();
        Duration timeout = plan.timeout();
        if (timeout != null) {
            answer = answer.timeout(timeout, Mono.error(() -> new TimeoutException("Response took longer than timeout: " + timeout)),
                    timers.of(request));
        }
        return answer;
    }

    /**
     * The client's headers as the backend gets them. {@code out} starts with what the HTTP client puts on every
     * request (Host, and User-Agent and Accept for a client that sent none, as on the other path).
     */
    private void copyRequestHeaders(HttpServerRequest request, HttpHeaders out, Span span) {
        HttpHeaders in = request.requestHeaders();
        for (AsciiString name : CLIENT_DEFAULTS) {
            if (in.contains(name)) {
                out.remove(name);
            }
        }
        String connection = HopByHop.connection(in);
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            // The backend's Host is its own; the client's goes in X-Forwarded-Host.
            if (!HttpHeaderNames.HOST.contentEqualsIgnoreCase(name) && !ForwardedHeadersPolicy.isForwardingHeader(name)
                    && !HopByHop.dropped(name, connection)) {
                out.add(name, header.getValue());
            }
        }
        // Transfer-Encoding is hop-by-hop, but a chunked body must stay chunked: without it or a Content-Length
        // the backend would read no body at all.
        if (in.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        forwarded.addForwarding(in::getAll, out::add, request.remoteAddress(), request.scheme());
        spans.inject(span, out);
    }

    private Mono<Void> respond(HttpServerResponse response, Plan plan, Exchange exchange, Answer answer) {
        HttpClientResponse res = answer.response();
        Connection connection = answer.connection();
        if (!exchange.connection.compareAndSet(connection, null)) {
            // Abandoned as it arrived; abandon() has closed it.
            return Mono.empty();
        }
        exchange.status = res.status().code();
        response.status(res.status().code());
        HttpHeaders from = res.responseHeaders();
        HttpHeaders to = response.responseHeaders();
        String connectionHeader = HopByHop.connection(from);
        for (Map.Entry<String, String> header : from) {
            if (!HopByHop.dropped(header.getKey(), connectionHeader)) {
                to.add(header.getKey(), header.getValue());
            }
        }
        tag(to, plan);
        return response.send(connection.inbound().receive().retain()).then()
                .doOnCancel(connection::dispose)
                .doOnError(error -> connection.dispose());
    }

    private void tag(HttpHeaders headers, Plan plan) {
        if (tagResponses) {
            headers.set(MigrationRoutingFilter.ROUTE_HEADER, plan.decision().route().id());
            headers.set(MigrationRoutingFilter.BACKEND_HEADER, plan.decision().backend().name());
        }
    }

    private Mono<Void> fail(HttpServerRequest request, HttpServerResponse response, Plan plan, Exchange exchange, Throwable error) {
        BackendFailure failure = BackendFailure.classify(error);
        String routeId = plan.decision().route().id();
        exchange.failure = failure;
        exchange.error = error;
        exchange.status = failure.status().value();
        BackendProblem.log(failure, routeId, request.method().name(), plan.path(), error);
        if (response.hasSentHeaders()) {
            // The answer had begun: the client sees the connection end early, as from the backend itself.
            return Mono.error(error);
        }
        BackendProblem problem = BackendProblem.of(failure, routeId);
        exchange.status = problem.status().value();
        byte[] body = problem.json(plan.path());
        HttpHeaders headers = response.responseHeaders();
        headers.clear();
        headers.set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (problem.retryAfterSeconds() != null) {
            headers.set(HttpHeaderNames.RETRY_AFTER, problem.retryAfterSeconds());
        }
        tag(headers, plan);
        return response.status(problem.status().value()).sendByteArray(Mono.just(body)).then();
    }

    private void finish(HttpServerRequest request, Plan plan, Exchange exchange, SignalType signal) {
        int status = signal == SignalType.CANCEL && exchange.failure == null ? 499 : exchange.status;
        RequestSpans.end(exchange.span, status, exchange.error);
        String traceId = exchange.span == null ? "-" : exchange.span.context().traceId();
        observer.record(plan.decision(), request.method().name(), plan.path(), status,
                exchange.failure == null ? null : exchange.failure.tag(), System.nanoTime() - exchange.start, false, traceId);
    }
}
