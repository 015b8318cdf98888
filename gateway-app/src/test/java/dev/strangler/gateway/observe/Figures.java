package dev.strangler.gateway.observe;

import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The dashboard's number and time formats, for expectations computed from /actuator/migration's values. */
final class Figures {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Figures() {
    }

    /** An error rate: up to two decimals. */
    static String rate(double percent) {
        return format("#,##0.##", percent) + "%";
    }

    /** A shadow parity: always two decimals, like the advice text. */
    static String parity(double percent) {
        return format("#,##0.00", percent) + "%";
    }

    /** A latency in milliseconds, as the dashboard shows it: up to two decimals, or a dash for none. */
    static String millis(Object ms) {
        return ms == null ? "—" : format("#,##0.##", ((Number) ms).doubleValue()) + " ms";
    }

    /** A latency difference: a plus sign when positive. */
    static String signedMillis(Object ms) {
        return ms == null ? "—" : (((Number) ms).doubleValue() > 0 ? "+" : "") + millis(ms);
    }

    static String utc(Instant at) {
        return UTC.format(at.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String format(String pattern, double value) {
        DecimalFormat format = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.US));
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value);
    }
}
