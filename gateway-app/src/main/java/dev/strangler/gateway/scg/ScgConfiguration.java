package dev.strangler.gateway.scg;

import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.strangler.gateway.observe.MigrationStats;
import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutePlanner;
import dev.strangler.gateway.web.InformationalResponses;
import dev.strangler.gateway.web.MalformedRequestBodies;
import dev.strangler.gateway.web.ProblemErrorHandler;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;

/**
 * Spring Cloud Gateway's adapter: one catch-all route, and the global and header filters that act on the routing
 * core's decision. Requests the direct path leaves to Spring Cloud Gateway, or all of them with
 * {@code strangler.direct-path=false}, go through these.
 */
@Configuration(proxyBeanMethods = false)
class ScgConfiguration {

    /**
     * The only route Spring Cloud Gateway knows: it matches everything, and {@link MigrationRoutingFilter}
     * picks the real target. Its URI is never called.
     */
    @Bean
    RouteLocator migrationRouteLocator() {
        Route catchAll = Route.async().id("migration-table").uri("http://0.0.0.0:9").predicate(exchange -> true).build();
        return () -> Flux.just(catchAll);
    }

    @Bean
    MigrationRoutingFilter migrationRoutingFilter(ActiveRouteTable active, RoutePlanner planner, ResponseTags tags) {
        return new MigrationRoutingFilter(active, planner, tags);
    }

    @Bean
    TargetUrlFilter targetUrlFilter() {
        return new TargetUrlFilter();
    }

    @Bean
    PathSafetyFilter pathSafetyFilter(HiddenPaths hiddenPaths) {
        return new PathSafetyFilter(hiddenPaths);
    }

    @Bean
    HttpHeadersFilter stranglerRequestHeadersFilter() {
        return new StranglerHeadersFilter(HttpHeadersFilter.Type.REQUEST);
    }

    @Bean
    HttpHeadersFilter stranglerResponseHeadersFilter() {
        return new StranglerHeadersFilter(HttpHeadersFilter.Type.RESPONSE);
    }

    @Bean
    ResilienceFilter resilienceFilter(RouteBreakers breakers, Recovery recovery, ResponseTags tags) {
        return new ResilienceFilter(breakers, recovery, tags);
    }

    /** Spring Cloud Gateway's client, for the requests the direct path leaves to it. */
    @Bean
    HttpClientCustomizer informationalResponsesDropped() {
        return InformationalResponses::droppedBy;
    }

    /** The public port: a request body that turns malformed aborts its backend request on Spring Cloud Gateway's path. */
    @Bean
    NettyServerCustomizer malformedRequestBodiesAbort() {
        return MalformedRequestBodies::guarded;
    }

    @Bean
    ProblemErrorHandler problemErrorHandler() {
        return new ProblemErrorHandler();
    }

    @Bean
    TrustedForwardingFilter trustedForwardingFilter(ForwardedHeadersPolicy policy) {
        return new TrustedForwardingFilter(policy);
    }

    @Bean
    TrafficObserverFilter trafficObserverFilter(TrafficObserver observer) {
        return new TrafficObserverFilter(observer);
    }
}
