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
    EdgeCustomizer edgeOfThePublicPort(EdgeProperties properties) {
        return new EdgeCustomizer(properties);
    }

    static final class EdgeCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {
        private final EdgeProperties properties;

        EdgeCustomizer(EdgeProperties properties) {
            this.properties = properties;
        }

        @Override
        public void customize(NettyReactiveWebServerFactory factory) {
            factory.addServerCustomizers(server -> install(server, properties));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    private static HttpServer install(HttpServer server, EdgeProperties properties) {
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
                pipeline.addAfter(NettyPipeline.HttpCodec, SCREEN, new RequestScreen(underscores));
            }
        });
    }

    /** The decoder settings Reactor Netty gives its own codec (HttpServerConfig.configureHttp11Pipeline). */
    static HttpDecoderConfig decoderConfig(HttpRequestDecoderSpec decoder) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(decoder.maxInitialLineLength())
                .setMaxHeaderSize(decoder.maxHeaderSize())
                .setMaxChunkSize(decoder.maxChunkSize())
                .setValidateHeaders(decoder.validateHeaders())
                .setInitialBufferSize(decoder.initialBufferSize())
                .setAllowDuplicateContentLengths(decoder.allowDuplicateContentLengths())
                .setAllowPartialChunks(decoder.allowPartialChunks());
    }
}
