package dev.strangler.gateway;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the strangler gateway, under {@code strangler.*}.
 *
 * @param routesFile     path of routes.yaml; empty means the repository default (see RoutesFileLocator)
 * @param pollInterval   how often the routes file is checked for a change
 * @param settleTime     how long a changed file must stay unchanged before it is loaded
 * @param responseTags   whether responses carry X-Strangler-Route and X-Strangler-Backend
 * @param trustedProxies CIDR ranges whose X-Forwarded-* headers are believed and appended to
 * @param accessLog      whether each proxied request is a line of the access log on standard output (see AccessLog)
 * @param hiddenPaths    path prefixes never served on the public port (404), such as backends' actuator and internal APIs
 * @param directPath     whether plain requests are proxied on Netty's pipeline directly (see DirectProxy); false sends
 *                       every request through Spring Cloud Gateway
 */
@ConfigurationProperties(StranglerProperties.PREFIX)
public record StranglerProperties(
        String routesFile,
        Duration pollInterval,
        Duration settleTime,
        Boolean responseTags,
        List<String> trustedProxies,
        Boolean accessLog,
        List<String> hiddenPaths,
        Boolean directPath) {

    public static final String PREFIX = "strangler";

    public StranglerProperties {
        routesFile = routesFile == null ? "" : routesFile.trim();
        pollInterval = pollInterval == null ? Duration.ofMillis(250) : pollInterval;
        settleTime = settleTime == null ? Duration.ofMillis(200) : settleTime;
        responseTags = responseTags == null || responseTags;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        accessLog = accessLog == null || accessLog;
        hiddenPaths = hiddenPaths == null ? List.of("/actuator", "/internal") : List.copyOf(hiddenPaths);
        directPath = directPath == null || directPath;
    }
}
