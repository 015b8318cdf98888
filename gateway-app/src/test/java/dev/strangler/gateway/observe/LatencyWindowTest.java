package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fixed-bucket latency window behind the per-backend p50 and p99, and the minute series behind the chart. */
class LatencyWindowTest {

    private static final long MS = 1_000_000;

    @Test
    void quantilesAreReadWithinTheBucketsTenPercent() {
        LatencyWindow window = new LatencyWindow();
        for (int i = 1; i <= 1000; i++) {
            window.record(i * MS / 10, 100);
        }
        LatencyWindow.Quantiles q = window.quantiles(100);
        assertThat(q.total()).isEqualTo(1000);
        assertThat(q.nanos(0.5) / MS).isCloseTo(50.0, within(5.0));
        assertThat(q.nanos(0.99) / MS).isCloseTo(99.0, within(9.9));
        assertThat(q.nanos(1.0) / MS).isBetween(100.0, 110.0);
    }

    @Test
    void bucketsCoverEveryLongWithoutGapsAndClampTheLongest() {
        assertThat(LatencyWindow.bucket(0)).isZero();
        assertThat(LatencyWindow.bucket(1023)).isZero();
        assertThat(LatencyWindow.bucket(1024)).isEqualTo(1);
        assertThat(LatencyWindow.bucket(Long.MAX_VALUE)).isEqualTo(LatencyWindow.BUCKETS - 1);
        for (long nanos = 1024; nanos < (1L << 36); nanos = nanos * 9 / 8 + 1) {
            int b = LatencyWindow.bucket(nanos);
            assertThat((double) nanos).as("%d ns in bucket %d", nanos, b)
                    .isGreaterThanOrEqualTo(LatencyWindow.lower(b)).isLessThan(LatencyWindow.lower(b + 1));
        }
    }

    @Test
    void aMinuteOlderThanTheWindowIsLeftOutAndItsSlotReusedClean() {
        LatencyWindow window = new LatencyWindow();
        window.record(5 * MS, 10);
        window.record(5 * MS, 14);
        assertThat(window.quantiles(14).total()).isEqualTo(2);
        assertThat(window.quantiles(15).total()).as("minute 10 is 5 minutes old").isEqualTo(1);
        window.record(7 * MS, 15);
        assertThat(window.quantiles(15).total()).isEqualTo(2);
        assertThat(window.quantiles(30).total()).isZero();
        assertThat(window.quantiles(30).nanos(0.5)).isNaN();
    }

    @Test
    void latencyDifferenceOrdersFasterShadowsBeforeSlowerOnes() {
        LatencyDifference difference = new LatencyDifference();
        for (int i = 0; i < 30; i++) {
            difference.record(-10 * MS, 1);
        }
        for (int i = 0; i < 70; i++) {
            difference.record(20 * MS, 1);
        }
        LatencyDifference.Quantiles q = difference.quantiles(1);
        assertThat(q.total()).isEqualTo(100);
        assertThat(q.nanos(0.1) / MS).isCloseTo(-10.0, within(1.5));
        assertThat(q.nanos(0.5) / MS).isCloseTo(20.0, within(3.0));
        assertThat(q.nanos(0.99) / MS).isCloseTo(20.0, within(3.0));
    }

    @Test
    void minuteSeriesKeepsThirtyMinutesOldestFirst() {
        MinuteSeries series = new MinuteSeries(MinuteSeries.MINUTES, 2);
        series.increment(0, 100);
        series.increment(0, 100);
        series.increment(1, 129);
        long[] requests = series.perMinute(0, 129);
        assertThat(requests).hasSize(30);
        assertThat(requests[0]).isEqualTo(2);
        assertThat(series.perMinute(1, 129)[29]).isEqualTo(1);
        assertThat(series.perMinute(0, 130)).containsOnly(0L);
        series.increment(0, 130);
        assertThat(series.perMinute(0, 130)[29]).as("minute 100's slot, cleared for minute 130").isEqualTo(1);
    }
}
