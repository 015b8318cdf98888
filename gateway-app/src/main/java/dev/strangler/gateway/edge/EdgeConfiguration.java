package dev.strangler.gateway.edge;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

/**
 * Puts the edge of the public port in its Netty pipeline: {@link StrictRequestDecoder} and
 * {@link ServerResponseEncoder} in place of Reactor Netty's HttpServerCodec, then {@link RequestScreen}, ahead of both
 * proxy paths. The management port has its own server and keeps Reactor Netty's codec.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
class EdgeConfiguration {

    static final String ENCODER = "strangler.responseEncoder";
    static final String SCREEN = "strangler.screen";

    /**
     * Last of the factory's customizers, so that the decoder gets the limits every other one set (Spring Boot's
     * {@code server.max-http-request-header-size}, {@code server.netty.*}).
     */
    @Bean
    EdgeCustomizer edgeOfThePublicPort(EdgeProperties properties, MeterRegistry meters) {
        return new EdgeCustomizer(properties, new EdgeMetrics(meters));
    }

    static final class EdgeCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {
        private final EdgeProperties properties;
        private final EdgeMetrics metrics;

        EdgeCustomizer(EdgeProperties properties, EdgeMetrics metrics) {
            this.properties = properties;
            this.metrics = metrics;
        }

        @Override
        public void customize(NettyReactiveWebServerFactory factory) {
            factory.addServerCustomizers(server -> install(server, properties, metrics));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    private static HttpServer install(HttpServer server, EdgeProperties properties, EdgeMetrics metrics) {
        HttpDecoderConfig config = decoderConfig(server.configuration().decoder());
        Duration headerTimeout = properties.headerReadTimeout();
        EdgeProperties.UnderscoreHeaders underscores = properties.underscoreHeaders();
        return server.doOnChannelInit((observer, channel, address) -> {
            ChannelPipeline pipeline = channel.pipeline();
            // HTTP/1.1 connections only: the public port speaks nothing else.
            if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                Queue<HttpMethod> methods = new ArrayDeque<>();
                pipeline.replace(NettyPipeline.HttpCodec, NettyPipeline.HttpCodec, new StrictRequestDecoder(config, methods, headerTimeout));
                pipeline.addBefore(NettyPipeline.HttpCodec, ENCODER, new ServerResponseEncoder(methods));
                pipeline.addAfter(NettyPipeline.HttpCodec, SCREEN, new RequestScreen(underscores, metrics));
            }
        });
    }

    /**
     * The limits Reactor Netty gives its own codec (HttpServerConfig.configureHttp11Pipeline), with the checks the edge
     * relies on fixed on: header validation, a single Content-Length and CRLF line ends hold whatever
     * {@code server.netty.validate-headers} or Netty's {@code io.netty.handler.codec.http.defaultStrictLineParsing}
     * say.
     */
    static HttpDecoderConfig decoderConfig(HttpRequestDecoderSpec decoder) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(decoder.maxInitialLineLength())
                .setMaxHeaderSize(decoder.maxHeaderSize())
                .setMaxChunkSize(decoder.maxChunkSize())
                .setInitialBufferSize(decoder.initialBufferSize())
                .setAllowPartialChunks(decoder.allowPartialChunks())
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true);
    }
}
