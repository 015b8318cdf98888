package dev.strangler.legacy.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the monolith.
 *
 * @param dataDir directory holding the H2 database file {@code legacy.mv.db}; relative paths resolve against the
 *                working directory. Env {@code LEGACY_DATA_DIR} sets it too.
 * @param homePageOrders how many recent orders the HTML page at {@code /} lists
 * @param shutdownRetryAfter the {@code Retry-After} of the 503 that requests get once shutdown has begun
 */
@ConfigurationProperties("legacy")
public record LegacyProperties(
        @DefaultValue("./data/legacy") Path dataDir,
        @DefaultValue("20") int homePageOrders,
        @DefaultValue("5s") Duration shutdownRetryAfter) {

    public LegacyProperties {
        if (homePageOrders < 1 || homePageOrders > 100) {
            throw new IllegalArgumentException(
                    "legacy.home-page-orders must be between 1 and 100, got " + homePageOrders);
        }
    }

    public Path absoluteDataDir() {
        return dataDir.toAbsolutePath().normalize();
    }
}
