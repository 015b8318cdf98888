package dev.strangler.gateway.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanaryBucketsTest {

    @ParameterizedTest
    @ValueSource(doubles = { 1, 5, 20, 33.33, 50, 90 })
    void measuredSplitOver10000KeysIsWithinTwoPointsOfPercent(double percent) {
        int limit = (int) Math.round(percent * 100);
        int toNew = 0;
        for (int user = 0; user < 10_000; user++) {
            if (CanaryBuckets.toNewBackend("orders-api", "user-" + user, limit)) {
                toNew++;
            }
        }
        assertThat(toNew / 100.0).isCloseTo(percent, within(2.0));
    }

    @Test
    void raisingPercentOnlyMovesKeysFromLegacyToNew() {
        for (int user = 0; user < 10_000; user++) {
            boolean wasNew = false;
            for (int percent = 0; percent <= 100; percent += 5) {
                boolean isNew = CanaryBuckets.toNewBackend("orders-api", "user-" + user, percent * 100);
                assertThat(!wasNew || isNew).as("user-%d moved back at %d%%", user, percent).isTrue();
                wasNew = isNew;
            }
            assertThat(wasNew).isTrue();
        }
    }

    @Test
    void bucketIsStandardMurmur3X86Seed0OfRouteIdColonKeyUnsignedModulo10000() {
        // Published reference vectors of MurmurHash3_x86_32 with seed 0, so another implementation can be checked.
        assertThat(org.apache.commons.codec.digest.MurmurHash3.hash32x86("hello".getBytes(), 0, 5, 0)).isEqualTo(0x248bfa47);
        byte[] fox = "The quick brown fox jumps over the lazy dog".getBytes();
        assertThat(org.apache.commons.codec.digest.MurmurHash3.hash32x86(fox, 0, fox.length, 0)).isEqualTo(0x2e4ff723);
        // Pinned so that a change of the formula (which would move users between sides) fails loudly.
        assertThat(CanaryBuckets.bucket("orders-api", "user-42")).isEqualTo(5737);
    }

    @Test
    void sameKeyLandsDifferentlyOnDifferentRoutes() {
        int same = 0;
        for (int user = 0; user < 1_000; user++) {
            if (CanaryBuckets.bucket("a", "u" + user) == CanaryBuckets.bucket("b", "u" + user)) {
                same++;
            }
        }
        assertThat(same).isLessThan(10);
    }
}
