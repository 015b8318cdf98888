package dev.strangler.daprdouble.resiliency;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code kind: Resiliency} resources of the resources path, reduced to what the double models: retry policies
 * for a pub/sub component's inbound deliveries ({@code targets.components.<name>.inbound.retry}) and for service
 * invocation of an app ({@code targets.apps.<app-id>.retry}). With no resource, or no target, daprd retries
 * nothing (pkg/resiliency ComponentInboundPolicy and EndpointPolicy return a policy without retries).
 */
public record Resiliency(List<Resource> resources) {

    /** One resource: its scopes (empty = every app-id) and its targets resolved to policies. */
    public record Resource(String name, List<String> scopes, Map<String, RetryPolicy> componentInbound,
                           Map<String, RetryPolicy> apps) {

        boolean appliesTo(String appId) {
            return scopes.isEmpty() || scopes.contains(appId);
        }
    }

    public static Resiliency none() {
        return new Resiliency(List.of());
    }

    /** The retry policy daprd of {@code appId} applies when delivering from pub/sub {@code component}. */
    public Optional<RetryPolicy> pubsubInbound(String component, String appId) {
        return resources.stream().filter(r -> r.appliesTo(appId))
                .map(r -> r.componentInbound().get(component)).filter(p -> p != null).findFirst();
    }

    /** The retry policy daprd of {@code callerAppId} applies when invoking {@code targetAppId}. */
    public Optional<RetryPolicy> appTarget(String targetAppId, String callerAppId) {
        return resources.stream().filter(r -> r.appliesTo(callerAppId))
                .map(r -> r.apps().get(targetAppId)).filter(p -> p != null).findFirst();
    }
}
