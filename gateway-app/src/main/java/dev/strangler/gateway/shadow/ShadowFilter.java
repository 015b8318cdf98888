package dev.strangler.gateway.shadow;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.strangler.gateway.observe.MismatchSample;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.ShadowSpec;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.scg.ExchangeDecision;
import dev.strangler.gateway.scg.MigrationRoutingFilter;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Sends a copy of each request that the routing decision marks for shadowing to the route's own backend, and
 * compares its answer with the one the client got from legacy.
 * <p>
 * The client's exchange is only observed: the request body and the response body are copied as they stream
 * through, and the copy, the wait for the shadow and the comparison all happen off the client's path. At most
 * {@code maxInFlight} copies exist at once; a request sampled beyond that is served normally and counted as
 * dropped. Nothing that goes wrong with a copy reaches the client.
 * <p>
 * Runs right after the routing decision and before NettyWriteResponseFilter (order -1), so that its response
 * decorator sees the body that filter writes to the client.
 */
public final class ShadowFilter implements GlobalFilter, Ordered {

    public static final int ORDER = MigrationRoutingFilter.ORDER + 20;

    private final ShadowClient client;
    private final ShadowRequestHeaders headers;
    private final ShadowRecorder recorder;
    private final Scheduler comparisons;
    private final Clock clock;
    private final Semaphore permits;
    private final int maxRequestBody;
    private final int maxResponseBody;

    ShadowFilter(ShadowClient client, ShadowRequestHeaders headers, ShadowRecorder recorder, ShadowProperties properties,
            Scheduler comparisons, Clock clock) {
        this.client = client;
        this.headers = headers;
        this.recorder = recorder;
        this.comparisons = comparisons;
        this.clock = clock;
        this.permits = new Semaphore(properties.maxInFlight());
        this.maxRequestBody = (int) properties.maxRequestBody().toBytes();
        this.maxResponseBody = (int) properties.maxResponseBody().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        RoutingDecision decision = ExchangeDecision.of(exchange);
        if (decision == null || decision.shadowTarget() == null || !(decision.route().stage() instanceof Stage.Shadow stage)) {
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        RequestPath path = exchange.getAttribute(RequestPath.ATTRIBUTE);
        Backend shadowTarget = decision.shadowTarget();
        SampledRequest sampled = new SampledRequest(decision.route().id(), shadowTarget.name(), request.getMethod().name(), path.raw());
        String upgrade = request.getHeaders().getUpgrade();
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            // A WebSocket session cannot be replayed as a plain request. (An h2c upgrade offer is harmless: it is not copied.)
            return chain.filter(exchange);
        }
        long contentLength = request.getHeaders().getContentLength();
        boolean hasBody = contentLength > 0 || request.getHeaders().containsKey(HttpHeaders.TRANSFER_ENCODING);
        if (hasBody && contentLength > maxRequestBody) {
            recorder.notCompared(sampled, new NotCompared(NotCompared.Outcome.DROPPED, "request-body-too-large"));
            return chain.filter(exchange);
        }
        URI target;
        try {
            target = target(decision, path, shadowTarget, request.getURI().getRawQuery());
        }
        catch (IllegalArgumentException e) {
            recorder.notCompared(sampled, new NotCompared(NotCompared.Outcome.FAILED, "invalid-target-url", e));
            return chain.filter(exchange);
        }
        if (!permits.tryAcquire()) {
            recorder.notCompared(sampled, new NotCompared(NotCompared.Outcome.DROPPED, "max-in-flight"));
            return chain.filter(exchange);
        }
        ShadowCopy copy = new ShadowCopy(client, body -> new ShadowRequest(request.getMethod(), target, headers.of(exchange, body), body));
        compareWhenAnswered(copy, sampled, stage.shadow().compare());
        ResponseTee response = new ResponseTee(exchange.getResponse(), maxResponseBody, copy);
        ServerWebExchange.Builder observed = exchange.mutate().response(response);
        if (hasBody) {
            observed.request(new RequestTee(request, copy, maxRequestBody));
        }
        else {
            copy.send(null);
        }
        return chain.filter(observed.build()).doFinally(signal -> copy.primaryEnded(signal, response));
    }

    /** The copy goes where the route's own backend would get the request: rewritten path, same query. */
    private static URI target(RoutingDecision decision, RequestPath path, Backend shadowTarget, String query) {
        String forwardPath = decision.route().pathOnNewService(path);
        return URI.create(shadowTarget.base() + forwardPath + (query == null ? "" : "?" + query));
    }

    private void compareWhenAnswered(ShadowCopy copy, SampledRequest sampled, ShadowSpec.Compare settings) {
        copy.answers()
                .publishOn(comparisons)
                .map(answers -> {
                    CapturedResponse primary = answers.getT1();
                    CapturedResponse shadow = answers.getT2();
                    List<MismatchSample.Difference> differences = new ResponseComparison(settings).compare(primary, shadow);
                    return new MismatchSample(clock.instant(), sampled.method(), sampled.path(), primary.status(), shadow.status(),
                            differences);
                })
                .doFinally(signal -> {
                    copy.close();
                    permits.release();
                })
                .subscribe(result -> {
                    if (result.differences().isEmpty()) {
                        recorder.matched(sampled.route(), copy.shadowMinusPrimaryNanos());
                    }
                    else {
                        recorder.mismatched(sampled, result, copy.shadowMinusPrimaryNanos());
                    }
                }, error -> recorder.notCompared(sampled,
                        error instanceof NotCompared why ? why : new NotCompared(NotCompared.Outcome.FAILED, "comparison-error", error)));
    }

    /** Copy slots not taken; read by the in-flight gauge, and by tests that check every copy gives its slot back. */
    int freeSlots() {
        return permits.availablePermits();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
