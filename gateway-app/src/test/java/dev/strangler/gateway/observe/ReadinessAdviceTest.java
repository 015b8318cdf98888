package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strangler.gateway.routes.AdviceSpec;
import dev.strangler.gateway.routes.CanarySpec;
import dev.strangler.gateway.routes.ShadowSpec;
import dev.strangler.gateway.routes.Stage;

class ReadinessAdviceTest {

    static final AdviceSpec ADVICE = new AdviceSpec(1000, 99.9);
    static final Stage SHADOW = new Stage.Shadow(ShadowSpec.DEFAULT);
    static final Stage CANARY = new Stage.Canary(new CanarySpec(10, new CanarySpec.StickyKey(CanarySpec.StickyKey.Source.HEADER, "X-User")));

    static RouteStats.Snapshot shadow(int compared, int mismatched) {
        RouteStats stats = new RouteStats(() -> 0L);
        for (int i = 0; i < compared - mismatched; i++) {
            stats.shadowMatched(0);
        }
        for (int i = 0; i < mismatched; i++) {
            stats.shadowMismatched(new MismatchSample(Instant.EPOCH, "GET", "/x", 200, 200, List.of()), 0);
        }
        return stats.snapshot();
    }

    static RouteStats.Snapshot traffic(int legacy, int legacyErrors, int target, int targetErrors) {
        RouteStats stats = new RouteStats(() -> 0L);
        for (int i = 0; i < legacy; i++) {
            stats.served("legacy", i < legacyErrors, 1_000_000);
        }
        for (int i = 0; i < target; i++) {
            stats.served("orders", i < targetErrors, 1_000_000);
        }
        return stats.snapshot();
    }

    ReadinessAdvice advise(Stage stage, RouteStats.Snapshot s) {
        return ReadinessAdvice.of(stage, ADVICE, s, "legacy", "orders");
    }

    @Test
    void shadowWaitsForEnoughSamplesThenSaysReadyWhenParityMeetsTheThreshold() {
        assertThat(advise(SHADOW, shadow(340, 0))).isEqualTo(new ReadinessAdvice("wait",
                "shadow compared 340 of the 1,000 requests needed (parity so far 100.00%)"));
        assertThat(advise(SHADOW, shadow(12_000, 4))).isEqualTo(new ReadinessAdvice("ready",
                "shadow parity 99.97% over 12,000 requests: ready for canary"));
    }

    @Test
    void poorShadowParityNeedsAttentionEvenBeforeTheFullSample() {
        assertThat(advise(SHADOW, shadow(2, 2)).verdict()).isEqualTo("wait");
        assertThat(advise(SHADOW, shadow(200, 100)).verdict()).isEqualTo("attention");
        assertThat(advise(SHADOW, shadow(5000, 50)).message()).contains("99.00%", "below 99.90%");
    }

    @Test
    void canaryIsReadyWhenTheNewBackendFailsNoMoreThanLegacy() {
        assertThat(advise(CANARY, traffic(9000, 9, 999, 0)).verdict()).isEqualTo("wait");
        assertThat(advise(CANARY, traffic(9000, 9, 1000, 1)).verdict()).isEqualTo("ready");
        assertThat(advise(CANARY, traffic(9000, 9, 1000, 50)).verdict()).isEqualTo("attention");
    }

    @Test
    void legacyAndMigratedRoutesSayWhatComesNext() {
        assertThat(advise(new Stage.Legacy(), traffic(10, 0, 0, 0)).message()).contains("move to stage shadow");
        assertThat(advise(new Stage.Migrated(), traffic(0, 0, 100, 0)).verdict()).isEqualTo("ready");
        assertThat(advise(new Stage.Migrated(), traffic(0, 0, 100, 5)).verdict()).isEqualTo("attention");
    }
}
