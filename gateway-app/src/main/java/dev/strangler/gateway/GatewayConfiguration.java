package dev.strangler.gateway;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.strangler.gateway.observe.AccessLog;
import dev.strangler.gateway.observe.DirectPathStatus;
import dev.strangler.gateway.observe.MigrationEndpoint;
import dev.strangler.gateway.observe.MigrationStats;
import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.observe.TableMetrics;
import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routes.InvalidRoutesException;
import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routes.RoutesFileLocator;
import dev.strangler.gateway.routes.RoutesLoader;
import dev.strangler.gateway.routes.RoutesParser;
import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutePlanner;
import dev.strangler.gateway.routing.RouteTable;
import dev.strangler.gateway.routing.RoutesReloader;
import io.micrometer.core.instrument.MeterRegistry;

/** The routing core and what both proxy paths share: the table, its reloading, the planner, breakers, metrics. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StranglerProperties.class)
class GatewayConfiguration {

    @Bean
    RoutesLoader routesLoader() {
        return new RoutesLoader(RoutesParser.withSystemEnvironment());
    }

    @Bean
    Path routesFile(StranglerProperties properties) {
        return RoutesFileLocator.locate(properties.routesFile());
    }

    /** Loads the table at start-up; an invalid file stops the start with every error listed. */
    @Bean
    ActiveRouteTable activeRouteTable(RoutesLoader loader, Path routesFile) {
        ParseResult result;
        try {
            result = loader.load(routesFile);
        }
        catch (IOException e) {
            throw new InvalidRoutesException("cannot read the routes file " + routesFile + " (" + e.getMessage() + ")",
                    java.util.List.of());
        }
        if (!result.ok()) {
            throw new InvalidRoutesException("the routes file " + routesFile + " has " + result.errors().size() + " error(s)",
                    result.errors());
        }
        org.slf4j.LoggerFactory.getLogger(GatewayConfiguration.class).info("event=routes.loaded file={} routes={} hash={}",
                routesFile, result.table().routes().size(), result.contentHash());
        result.warnings().forEach(w -> org.slf4j.LoggerFactory.getLogger(GatewayConfiguration.class).warn("event=routes.warning {}", w));
        return new ActiveRouteTable(RouteTable.compile(result.table()));
    }

    @Bean
    TableMetrics tableMetrics(MeterRegistry registry, ActiveRouteTable active) {
        return new TableMetrics(registry, active.current());
    }

    @Bean
    RoutesReloader routesReloader(Path routesFile, RoutesLoader loader, ActiveRouteTable active, StranglerProperties properties,
            TableMetrics metrics) {
        return new RoutesReloader(routesFile, loader, active, properties.pollInterval(), properties.settleTime(), metrics,
                Clock.systemUTC());
    }

    @Bean
    RoutePlanner routePlanner(ActiveRouteTable active) {
        return new RoutePlanner(active);
    }

    @Bean
    ResponseTags responseTags(StranglerProperties properties) {
        return new ResponseTags(properties.responseTags());
    }

    @Bean
    HiddenPaths hiddenPaths(StranglerProperties properties) {
        return new HiddenPaths(properties.hiddenPaths());
    }

    @Bean
    ForwardedHeadersPolicy forwardedHeadersPolicy(StranglerProperties properties) {
        return new ForwardedHeadersPolicy(properties.trustedProxies());
    }

    @Bean
    RouteBreakers routeBreakers(ReactiveResilience4JCircuitBreakerFactory factory) {
        return new RouteBreakers(factory.getCircuitBreakerRegistry());
    }

    @Bean
    Recovery recovery(MigrationStats stats, MeterRegistry meters) {
        return new Recovery(stats, meters);
    }

    @Bean
    AccessLog accessLog() {
        return new AccessLog();
    }

    @Bean
    TrafficObserver trafficObserver(MigrationStats stats, MeterRegistry meters, StranglerProperties properties, AccessLog accessLog) {
        return new TrafficObserver(stats, meters, properties.accessLog() ? accessLog : null);
    }

    @Bean
    MigrationStats migrationStats() {
        return new MigrationStats(Clock.systemUTC());
    }

    @Bean
    MigrationEndpoint migrationEndpoint(ActiveRouteTable active, MigrationStats stats, DirectPathStatus directPath) {
        return new MigrationEndpoint(active, stats, directPath);
    }
}
