package dev.strangler.gateway.direct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.util.StringUtils;

import dev.strangler.gateway.StranglerProperties;
import dev.strangler.gateway.observe.DirectPathStatus;

/**
 * The settings of Spring Cloud Gateway's client and of the server that the direct path cannot honour: with any of
 * them set, the gateway leaves every request to Spring Cloud Gateway rather than answer some requests otherwise.
 * The settings it honours, and those that do not apply to the requests it takes, are listed in docs/operations.md.
 */
final class DirectPathSettings {

    private static final String CLIENT = "spring.cloud.gateway.server.webflux.httpclient.";
    /** The gateway's own customizer of Spring Cloud Gateway's client: it drops 1xx answers, as the direct path does. */
    static final String OWN_CUSTOMIZER = "informationalResponsesDropped";

    private DirectPathSettings() {
    }

    /**
     * @param hopByHopFilter whether Spring Cloud Gateway's RemoveHopByHopHeadersFilter is in its filter chain
     * @param customizers    the names of the HttpClientCustomizer beans, which change Spring Cloud Gateway's client
     */
    static DirectPathStatus check(StranglerProperties strangler, HttpClientProperties client, ServerProperties server,
            boolean hopByHopFilter, String[] customizers) {
        if (!strangler.directPath()) {
            return DirectPathStatus.off("strangler.direct-path=false");
        }
        List<String> reasons = new ArrayList<>();
        if (StringUtils.hasText(client.getProxy().getHost())) {
            reasons.add(CLIENT + "proxy.host is set: backends are reached through that proxy, which only Spring Cloud"
                    + " Gateway's client goes through");
        }
        if (client.isWiretap()) {
            reasons.add(CLIENT + "wiretap=true: only Spring Cloud Gateway's client logs the bytes it exchanges with backends");
        }
        if (client.isCompression()) {
            reasons.add(CLIENT + "compression=true: only Spring Cloud Gateway's client asks backends for compressed"
                    + " answers and decompresses them");
        }
        if (server.getCompression().getEnabled()) {
            reasons.add("server.compression.enabled=true: Reactor Netty compresses only the answers it writes itself");
        }
        if (!hopByHopFilter) {
            reasons.add("no RemoveHopByHopHeadersFilter bean: Spring Cloud Gateway's path then passes hop-by-hop headers"
                    + " on, which the direct path never does");
        }
        List<String> foreign = Arrays.stream(customizers).filter(name -> !name.equals(OWN_CUSTOMIZER)).sorted().toList();
        if (!foreign.isEmpty()) {
            reasons.add("HttpClientCustomizer beans " + foreign + " change Spring Cloud Gateway's client in ways the direct"
                    + " path cannot know");
        }
        return reasons.isEmpty() ? DirectPathStatus.ENABLED : DirectPathStatus.off(String.join("; ", reasons));
    }
}
