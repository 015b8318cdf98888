package dev.strangler.gateway.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogThrottleTest {

    @Test
    void logsTheFirstEventThenOnePerIntervalWithTheCountLeftOut() {
        AtomicLong now = new AtomicLong(0);
        LogThrottle throttle = new LogThrottle(1_000, now::get);

        assertThat(throttle.admit("down failed")).isZero();
        now.set(10);
        assertThat(throttle.admit("down failed")).isEqualTo(-1);
        assertThat(throttle.admit("down failed")).isEqualTo(-1);
        assertThat(throttle.admit("other failed")).as("keys are throttled apart").isZero();
        now.set(1_000);
        assertThat(throttle.admit("down failed")).isEqualTo(2);
        assertThat(throttle.admit("down failed")).isEqualTo(-1);
        now.set(5_000);
        assertThat(throttle.admit("down failed")).isEqualTo(1);
    }
}
