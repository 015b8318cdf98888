package dev.strangler.gateway.shadow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the shadow copy, under {@code strangler.shadow.*}. Together they bound what shadowing can cost the
 * gateway: at most {@code maxInFlight} copies at a time, each holding at most one request body and two response
 * bodies of the sizes below, for at most {@code timeout} after the copy was sent.
 *
 * @param maxInFlight      copies being sent or compared at once; a request sampled while all are taken is not copied
 *                         and counts as dropped. Also the size of the shadow client's connection pool.
 * @param timeout          the whole shadow call, from connecting to the last body byte; a slower answer counts as failed
 * @param connectTimeout   connecting to the shadow backend
 * @param maxRequestBody   largest request body copied; a larger one is not copied and counts as dropped
 * @param maxResponseBody  largest response body (primary or shadow) compared; a larger one counts as failed
 * @param ioThreads        event-loop threads of the shadow client, apart from those serving clients
 */
@ConfigurationProperties(ShadowProperties.PREFIX)
public record ShadowProperties(
        @DefaultValue("64") int maxInFlight,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("1MB") DataSize maxRequestBody,
        @DefaultValue("1MB") DataSize maxResponseBody,
        @DefaultValue("1") int ioThreads) {

    public static final String PREFIX = "strangler.shadow";

    public ShadowProperties {
        positive(maxInFlight, "max-in-flight");
        positive(ioThreads, "io-threads");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".timeout must be positive, for example 5s");
        }
        if (maxRequestBody.toBytes() > Integer.MAX_VALUE || maxResponseBody.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + ".max-request-body and max-response-body must stay below 2GB; write 1MB");
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(PREFIX + "." + name + " must be at least 1, was " + value);
        }
    }
}
