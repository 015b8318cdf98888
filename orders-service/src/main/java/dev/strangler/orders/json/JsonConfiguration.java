package dev.strangler.orders.json;

import java.time.Instant;

import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer contractInstantFormat() {
        return builder -> builder.serializerByType(Instant.class, new UtcMillisInstantSerializer());
    }
}
