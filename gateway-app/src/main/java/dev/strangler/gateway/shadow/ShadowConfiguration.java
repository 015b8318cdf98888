package dev.strangler.gateway.shadow;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.strangler.gateway.StranglerProperties;
import dev.strangler.gateway.observe.MigrationStats;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.scg.TrustedForwardingFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Wires shadow traffic: the filter that copies sampled requests, its own HTTP client and the comparison workers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShadowProperties.class)
class ShadowConfiguration {

    @Bean
    ShadowClient shadowClient(ShadowProperties properties) {
        return new ShadowClient(properties);
    }

    /** Comparisons parse up to two bodies of max-response-body each; they run here, never on an event loop. */
    @Bean(destroyMethod = "dispose")
    Scheduler shadowComparisons(ShadowProperties properties) {
        return Schedulers.newBoundedElastic(Math.max(1, Runtime.getRuntime().availableProcessors()), properties.maxInFlight(),
                "strangler-shadow-compare", 60, true);
    }

    @Bean
    ShadowRequestHeaders shadowRequestHeaders(StranglerProperties strangler) {
        return new ShadowRequestHeaders(new TrustedForwardingFilter(new ForwardedHeadersPolicy(strangler.trustedProxies())));
    }

    /** The copies of both proxy paths, which share one limit of copies in flight. */
    @Bean
    ShadowCopies shadowCopies(ShadowClient client, ShadowRequestHeaders headers, ShadowProperties properties, MigrationStats stats,
            MeterRegistry meters, Scheduler shadowComparisons) {
        ShadowRecorder recorder = new ShadowRecorder(stats, meters, new LogThrottle(TimeUnit.SECONDS.toNanos(1), System::nanoTime));
        ShadowCopies copies = new ShadowCopies(client, headers, recorder, properties, shadowComparisons, Clock.systemUTC());
        Gauge.builder("strangler.shadow.in.flight", copies, c -> properties.maxInFlight() - c.freeSlots())
                .description("Shadow copies being sent or compared; at strangler.shadow.max-in-flight, new copies are dropped")
                .register(meters);
        return copies;
    }

    @Bean
    ShadowFilter shadowFilter(ShadowCopies copies, ShadowRequestHeaders headers, ShadowProperties properties) {
        return new ShadowFilter(copies, headers, properties);
    }
}
