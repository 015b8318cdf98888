package dev.strangler.gateway.direct;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import dev.strangler.gateway.StranglerProperties;
import dev.strangler.gateway.observe.DirectPathStatus;
import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.Recovery;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.shadow.ShadowCopies;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import dev.strangler.gateway.routing.ResponseTags;
import dev.strangler.gateway.routing.RoutePlanner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpDecoderSpec;

/**
 * Puts {@link DirectProxy} in the public port's Netty pipeline, in front of Reactor Netty's request handling. The
 * management port has its own server and never sees it.
 */
@Configuration(proxyBeanMethods = false)
class DirectProxyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DirectProxyConfiguration.class);

    @Bean(destroyMethod = "close")
    BackendChannels backendChannels(HttpClientProperties clientProperties, ObjectProvider<MeterRegistry> meters) {
        Integer connectTimeout = clientProperties.getConnectTimeout();
        // The limits Spring Cloud Gateway puts on its client's response decoder (HttpClientFactory.httpResponseDecoder).
        DataSize initialLine = clientProperties.getMaxInitialLineLength();
        DataSize headers = clientProperties.getMaxHeaderSize();
        return new BackendChannels(connectTimeout == null ? 0 : connectTimeout,
                initialLine == null ? HttpDecoderSpec.DEFAULT_MAX_INITIAL_LINE_LENGTH : (int) initialLine.toBytes(),
                headers == null ? HttpDecoderSpec.DEFAULT_MAX_HEADER_SIZE : (int) headers.toBytes(),
                PoolSettings.of(clientProperties.getPool()), meters.getIfAvailable());
    }

    /** Whether the direct path serves requests: off, with the reason logged, when a setting says it cannot. */
    @Bean
    DirectPathStatus directPathStatus(StranglerProperties properties, HttpClientProperties clientProperties,
            ServerProperties server, ObjectProvider<RemoveHopByHopHeadersFilter> hopByHop, ListableBeanFactory beans) {
        DirectPathStatus status = DirectPathSettings.check(properties, clientProperties, server, hopByHop.getIfAvailable() != null,
                beans.getBeanNamesForType(HttpClientCustomizer.class));
        if (!status.enabled()) {
            log.warn("event=direct-path.off reason=\"{}\"", status.reason());
        }
        return status;
    }

    @Bean
    DirectProxy directProxy(RoutePlanner planner, HiddenPaths hiddenPaths, ForwardedHeadersPolicy forwarded,
            RouteBreakers breakers, TrafficObserver observer, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator, BackendChannels backendChannels, HttpClientProperties clientProperties,
            DirectPathStatus status, ServerProperties server, ResponseTags tags, Recovery recovery,
            ObjectProvider<RemoveHopByHopHeadersFilter> hopByHop, ObjectProvider<ShadowCopies> shadows) {
        RemoveHopByHopHeadersFilter filter = hopByHop.getIfAvailable();
        return new DirectProxy(planner, hiddenPaths, forwarded, breakers, observer,
                new RequestSpans(tracer.getIfAvailable(), propagator.getIfAvailable()), backendChannels,
                clientProperties.getResponseTimeout(), tags, recovery,
                filter == null ? HopByHop.DEFAULT : new HopByHop(filter.getHeaders()), status.enabled(),
                server.getNetty().getIdleTimeout(), server.getNetty().getMaxKeepAliveRequests(), shadows.getIfAvailable());
    }

    @Bean
    NettyServerCustomizer directProxyInPipeline(DirectProxy proxy) {
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            ChannelPipeline pipeline = channel.pipeline();
            // HTTP/1.1 connections only: an h2c or HTTP/2 pipeline has no traffic handler to go before.
            if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
                pipeline.addBefore(NettyPipeline.HttpTrafficHandler, "strangler.direct", proxy.connectionHandler(channel));
            }
        });
    }

    /**
     * On a graceful shutdown, Reactor Netty waits for the requests it is serving, but not for those this path
     * serves on its connections: this waits for them, after the server has stopped accepting connections and
     * before it is stopped.
     */
    @Bean
    SmartLifecycle directProxyDrain(DirectProxy proxy, ServerProperties server,
            @Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration timeout) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                if (server.getShutdown() != Shutdown.GRACEFUL) {
                    return;
                }
                try {
                    proxy.awaitIdle(timeout);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            /** Between WebServerGracefulShutdownLifecycle's phase and WebServerStartStopLifecycle's. */
            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 1536;
            }
        };
    }
}
