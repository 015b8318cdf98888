package dev.strangler.orders.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A comparison of the monolith's orders with orders-service's. {@code consistent} is true when both hold the same
 * ids with the same status and total. Id lists hold at most {@link #LIST_LIMIT} entries; the counts are exact.
 */
public record ReconciliationReport(Instant generatedAt, boolean consistent, long legacyCount, long serviceCount,
                                   long missingInServiceCount, long missingInLegacyCount, long differingCount,
                                   List<Long> missingInService, List<Long> missingInLegacy, List<Difference> differing) {

    static final int LIST_LIMIT = 1000;

    /** One order held by both with a different status or total. */
    public record Difference(long id, String legacyStatus, String serviceStatus, BigDecimal legacyTotal,
                             BigDecimal serviceTotal, long legacyVersion, long serviceVersion) {
    }
}
