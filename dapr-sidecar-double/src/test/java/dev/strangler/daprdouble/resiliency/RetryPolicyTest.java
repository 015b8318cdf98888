package dev.strangler.daprdouble.resiliency;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retry policies of a Resiliency resource as dapr/kit retry/retry.go builds them on cenkalti/backoff
 * (ExponentialBackOff, ConstantBackOff, WithMaxRetries), and pkg/resiliency/retry.go's status matching.
 */
class RetryPolicyTest {

    private static final RetryPolicy EXPONENTIAL = new RetryPolicy("e", true, Duration.ofSeconds(5), Duration.ofSeconds(15), 30, List.of());

    @RepeatedTest(5)
    void exponentialGrowsByOneAndAHalfWithinHalfOfEachIntervalUpToTheMaximum() {
        assertThat(EXPONENTIAL.delayBeforeRetry(1, Duration.ZERO).getAsLong()).isBetween(250L, 751L);
        assertThat(EXPONENTIAL.delayBeforeRetry(2, Duration.ZERO).getAsLong()).isBetween(375L, 1126L);
        assertThat(EXPONENTIAL.delayBeforeRetry(20, Duration.ZERO).getAsLong()).isBetween(7_500L, 22_501L);
    }

    @Test
    void givesUpAfterMaxRetriesOrFifteenMinutes() {
        assertThat(EXPONENTIAL.delayBeforeRetry(30, Duration.ZERO)).isPresent();
        assertThat(EXPONENTIAL.delayBeforeRetry(31, Duration.ZERO)).isEmpty();
        assertThat(EXPONENTIAL.delayBeforeRetry(2, Duration.ofMinutes(15))).isEmpty();
    }

    @Test
    void constantWaitsItsDurationAndUnsetMaxRetriesMeansForever() {
        RetryPolicy constant = new RetryPolicy("c", false, Duration.ofSeconds(5), Duration.ofSeconds(60), -1, List.of());
        assertThat(constant.delayBeforeRetry(1_000, Duration.ofHours(5))).isEqualTo(OptionalLong.of(5_000));
    }

    @Test
    void matchingLimitsWhichStatusesAreRetried() {
        RetryPolicy matching = new RetryPolicy("m", true, Duration.ofSeconds(5), Duration.ofSeconds(2), 3,
                List.of(new int[] {502, 504}));
        assertThat(matching.retriesStatus(503)).isTrue();
        assertThat(matching.retriesStatus(500)).isFalse();
        assertThat(matching.retriesStatus(404)).isFalse();
        assertThat(EXPONENTIAL.retriesStatus(404)).as("without matching every failure is retried").isTrue();
    }
}
