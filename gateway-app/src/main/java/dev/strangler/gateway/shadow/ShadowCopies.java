package dev.strangler.gateway.shadow;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import org.springframework.http.HttpMethod;

import dev.strangler.gateway.observe.MismatchSample;
import dev.strangler.gateway.routes.Backend;
import dev.strangler.gateway.routes.ShadowSpec;
import dev.strangler.gateway.routes.Stage;
import dev.strangler.gateway.routing.RequestPath;
import dev.strangler.gateway.routing.RoutingDecision;
import reactor.core.scheduler.Scheduler;

/**
 * Makes the shadow copies of both proxy paths: takes a slot for each (at most {@code maxInFlight} exist at once; a
 * request drawn beyond that is served normally and counted as dropped), addresses it, sends it once its request is
 * known, and compares the two answers off the client's path. Each path only tees what the client sends and gets.
 */
public final class ShadowCopies {

    private final ShadowClient client;
    private final ShadowRequestHeaders headers;
    private final ShadowRecorder recorder;
    private final Scheduler comparisons;
    private final Clock clock;
    private final Semaphore permits;
    private final int maxResponseBody;

    ShadowCopies(ShadowClient client, ShadowRequestHeaders headers, ShadowRecorder recorder, ShadowProperties properties,
            Scheduler comparisons, Clock clock) {
        this.client = client;
        this.headers = headers;
        this.recorder = recorder;
        this.comparisons = comparisons;
        this.clock = clock;
        this.permits = new Semaphore(properties.maxInFlight());
        this.maxResponseBody = (int) properties.maxResponseBody().toBytes();
    }

    /**
     * The copy of a request without a body that the direct path serves, sent now with {@code forwarded}, the headers
     * the primary backend gets; or null when none is made (no slot, a target URL that does not parse), which is
     * counted. The caller tells the returned capture what the client got.
     */
    public PrimaryCapture copyBodiless(RoutingDecision decision, String method, RequestPath path, String rawQuery,
            Iterable<Map.Entry<String, String>> forwarded) {
        ShadowCopy copy = open(decision, method, path, rawQuery,
                target -> body -> new ShadowRequest(HttpMethod.valueOf(method), target, headers.ofForwarded(forwarded, body), body));
        if (copy == null) {
            return null;
        }
        copy.send(null);
        return new PrimaryCapture(copy, maxResponseBody);
    }

    /**
     * A copy of the request of {@code decision}, not yet sent, whose answers are compared once both are in; or null
     * when none is made, which is counted.
     *
     * @param request the copy's request, given its target, from the request body (null when it has none)
     */
    ShadowCopy open(RoutingDecision decision, String method, RequestPath path, String rawQuery,
            Function<URI, Function<byte[], ShadowRequest>> request) {
        Backend shadowTarget = decision.shadowTarget();
        SampledRequest sampled = sampled(decision, method, path);
        URI target;
        try {
            target = target(decision, path, shadowTarget, rawQuery);
        }
        catch (IllegalArgumentException e) {
            recorder.notCompared(sampled, new NotCompared(NotCompared.Outcome.FAILED, "invalid-target-url", e));
            return null;
        }
        if (!permits.tryAcquire()) {
            recorder.notCompared(sampled, new NotCompared(NotCompared.Outcome.DROPPED, "max-in-flight"));
            return null;
        }
        ShadowCopy copy = new ShadowCopy(client, request.apply(target));
        compareWhenAnswered(copy, sampled, ((Stage.Shadow) decision.route().stage()).shadow().compare());
        return copy;
    }

    /** Counts a drawn request that gets no copy. */
    void notCopied(RoutingDecision decision, String method, RequestPath path, NotCompared why) {
        recorder.notCompared(sampled(decision, method, path), why);
    }

    private static SampledRequest sampled(RoutingDecision decision, String method, RequestPath path) {
        return new SampledRequest(decision.route().id(), decision.shadowTarget().name(), method, path.raw());
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
}
