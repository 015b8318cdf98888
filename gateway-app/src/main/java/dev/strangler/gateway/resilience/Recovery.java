package dev.strangler.gateway.resilience;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.strangler.gateway.observe.MigrationStats;
import dev.strangler.gateway.routes.Resilience;
import dev.strangler.gateway.routing.RoutingDecision;
import dev.strangler.gateway.web.BackendFailure;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a route's resilience settings make of a failed call to its backend, the same on both proxy paths: how often a
 * request may be tried again, which failures are worth another try, when the fallback backend takes over, and the
 * record a fallback leaves. Only safe methods are retried or fall back: a write repeated, or sent to the other
 * system, could be applied twice or split an order between the old and the new one.
 */
public final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final MigrationStats stats;
    private final MeterRegistry meters;

    public Recovery(MigrationStats stats, MeterRegistry meters) {
        this.stats = stats;
        this.meters = meters;
    }

    /** How many more attempts a request of {@code method} may make after its first one failed. */
    public static int retries(RoutingDecision decision, String method) {
        return decision.route().spec() != null && Resilience.isSafe(method) ? decision.route().spec().resilience().retries() : 0;
    }

    /**
     * Whether a failed attempt is worth another: not when the circuit is open (the backend was not called, and another
     * attempt would not be either) nor for a failure the gateway cannot name, which may be its own.
     */
    public static boolean retryable(BackendFailure failure) {
        return failure != BackendFailure.CIRCUIT_OPEN && failure != BackendFailure.OTHER;
    }

    /** Whether the route's fallback backend serves this request when the call to the new service failed in any way. */
    public static boolean fallsBack(RoutingDecision decision, String method) {
        return decision.toNewService() && decision.route().fallback() != null && Resilience.isSafe(method);
    }

    /**
     * The decision for a request the fallback backend now serves, because the new service failed as {@code failure}
     * says; counted in {@code strangler.fallbacks} and the route's figures, and logged.
     */
    public RoutingDecision fallBack(RoutingDecision decision, BackendFailure failure, String method, String path) {
        RoutingDecision fallenBack = decision.fallenBackTo(decision.route().fallback(), failure.tag());
        String routeId = decision.route().id();
        stats.route(routeId).fellBack();
        meters.counter("strangler.fallbacks", "route", routeId, "from", decision.backend().name(), "to",
                fallenBack.backend().name(), "reason", failure.tag()).increment();
        log.info("event=fallback route={} from={} to={} reason={} method={} path={}", routeId, decision.backend().name(),
                fallenBack.backend().name(), failure.tag(), method, path);
        return fallenBack;
    }
}
