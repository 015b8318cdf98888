package dev.strangler.daprdouble.resiliency;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One entry of a Resiliency resource's {@code spec.policies.retries}, as dapr/kit's {@code retry.Config} decodes it
 * ({@code retry.DefaultConfig}: constant, 5 s, unlimited retries) and cenkalti/backoff runs it. Exponential uses the
 * library's defaults that the resource cannot set: 500 ms initial interval, multiplier 1.5, randomization 0.5,
 * 15 minutes in all; {@code maxInterval} defaults to 60 s.
 *
 * @param maxRetries retries after the first attempt; -1 is unlimited (until the 15 minutes of an exponential one)
 * @param httpStatusCodes the {@code matching.httpStatusCodes} ranges, empty = every status is retried
 */
public record RetryPolicy(String name, boolean exponential, Duration duration, Duration maxInterval, long maxRetries,
                          List<int[]> httpStatusCodes) {

    static final Duration INITIAL_INTERVAL = Duration.ofMillis(500);
    static final double MULTIPLIER = 1.5;
    static final double RANDOMIZATION = 0.5;
    static final Duration MAX_ELAPSED = Duration.ofMinutes(15);

    /**
     * The wait before retry number {@code retry} (1 for the first retry), or empty when the policy gives up:
     * after {@code maxRetries} retries, or (exponential) when the wait would end past 15 minutes since the first try.
     */
    public OptionalLong delayBeforeRetry(int retry, Duration elapsed) {
        if (maxRetries >= 0 && retry > maxRetries) {
            return OptionalLong.empty();
        }
        if (!exponential) {
            return OptionalLong.of(duration.toMillis());
        }
        double interval = INITIAL_INTERVAL.toMillis() * Math.pow(MULTIPLIER, retry - 1);
        interval = Math.min(interval, maxInterval.toMillis());
        double delta = RANDOMIZATION * interval;
        long next = (long) (interval - delta + ThreadLocalRandom.current().nextDouble() * (2 * delta + 1));
        if (elapsed.toMillis() + next > MAX_ELAPSED.toMillis()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(next);
    }

    /** pkg/resiliency statusCodeNeedRetry: without matching every failure is retried. */
    public boolean retriesStatus(int status) {
        if (httpStatusCodes.isEmpty() || status < 100 || status > 599) {
            return true;
        }
        return httpStatusCodes.stream().anyMatch(range -> status >= range[0] && status <= range[1]);
    }
}
