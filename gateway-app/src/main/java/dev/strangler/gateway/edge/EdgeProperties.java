package dev.strangler.gateway.edge;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the public port accepts at the edge of a request, under {@code strangler.edge.*} (see docs/security.md). The
 * idle timeout between requests is Spring Boot's {@code server.netty.idle-timeout}.
 *
 * @param headerReadTimeout how long a request head may take to arrive, from the connection's start or the head's first
 *                          byte, before the connection gets a 408 and is closed; 0 for no limit (nginx's
 *                          {@code client_header_timeout}, 60 s by default there too)
 * @param underscoreHeaders what happens to a request header whose name holds an underscore
 */
@ConfigurationProperties(EdgeProperties.PREFIX)
public record EdgeProperties(Duration headerReadTimeout, UnderscoreHeaders underscoreHeaders) {

    public static final String PREFIX = "strangler.edge";

    public EdgeProperties {
        headerReadTimeout = headerReadTimeout == null ? Duration.ofSeconds(60) : headerReadTimeout;
        underscoreHeaders = underscoreHeaders == null ? UnderscoreHeaders.DROP : underscoreHeaders;
        if (headerReadTimeout.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".header-read-timeout is " + headerReadTimeout
                    + "; write a positive duration such as 60s, or 0 for no limit");
        }
    }

    /**
     * Header names with an underscore: a backend behind a CGI-style server (or one that maps {@code -} to {@code _})
     * reads {@code X_Forwarded_For} as {@code X-Forwarded-For}, so such a header gets past every rule the gateway
     * applies to the real name.
     */
    public enum UnderscoreHeaders {
        /** The header is removed and the request goes on, as nginx does with {@code underscores_in_headers off}. */
        DROP,
        /** The request is answered 400, as Envoy does with {@code headers_with_underscores_action: REJECT_REQUEST}. */
        REJECT
    }
}
