package dev.strangler.gateway.direct;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.embedded.netty.NettyRouteProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

import dev.strangler.gateway.StranglerProperties;
import dev.strangler.gateway.observe.TrafficObserver;
import dev.strangler.gateway.resilience.RouteBreakers;
import dev.strangler.gateway.routing.ActiveRouteTable;
import dev.strangler.gateway.routing.ForwardedHeadersPolicy;
import dev.strangler.gateway.routing.HiddenPaths;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

/**
 * Puts {@link DirectProxy} in front of Spring WebFlux on the public port, through Spring Boot's hook for Reactor
 * Netty routes. The management port has its own server and never sees it.
 */
@Configuration(proxyBeanMethods = false)
class DirectProxyConfiguration {

    @Bean
    DirectProxy directProxy(ActiveRouteTable table, HiddenPaths hiddenPaths, ForwardedHeadersPolicy forwarded,
            RouteBreakers breakers, TrafficObserver observer, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator, HttpClient gatewayHttpClient, HttpClientProperties clientProperties,
            StranglerProperties properties, ObjectProvider<HttpHandler> httpHandler) {
        HttpClient client = clientProperties.getConnectTimeout() == null ? gatewayHttpClient
                : gatewayHttpClient.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, clientProperties.getConnectTimeout());
        Duration timeout = clientProperties.getResponseTimeout();
        return new DirectProxy(table, hiddenPaths, forwarded, breakers, observer,
                new RequestSpans(tracer.getIfAvailable(), propagator.getIfAvailable()), client, timeout,
                properties.responseTags(), properties.directPath(),
                () -> new ReactorHttpHandlerAdapter(httpHandler.getObject()));
    }

    @Bean
    NettyRouteProvider directProxyRoute(DirectProxy proxy) {
        return routes -> routes.route(request -> true, proxy);
    }
}
