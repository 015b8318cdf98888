package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void capture() {
        original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private String out() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesAppearInOrderWithATimestampWithinTheFlushInterval() throws InterruptedException {
        try (AccessLog log = new AccessLog(1_000, 20)) {
            log.write("event=request route=a status=200");
            log.write("event=request route=b status=503 failure=refused");
            for (int i = 0; i < 100 && !out().contains("route=b"); i++) {
                Thread.sleep(10);
            }
        }
        String[] lines = out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).endsWith(" strangler.access event=request route=a status=200");
        assertThat(lines[1]).endsWith(" strangler.access event=request route=b status=503 failure=refused");
        assertThat(out()).matches("(?s)(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z strangler\\.access [^\n]+\n){2}");
    }

    @Test
    void closeWritesWhatIsStillQueued() {
        AccessLog log = new AccessLog(1_000, 3_600_000);
        log.write("event=request route=last");
        assertThat(out()).isEmpty();
        log.close();
        assertThat(out()).endsWith(" strangler.access event=request route=last\n");
    }

    @Test
    void linesBeyondTheLimitAreDroppedAndCountedInsteadOfHeld() {
        AccessLog log = new AccessLog(3, 3_600_000);
        for (int i = 1; i <= 5; i++) {
            log.write("event=request n=" + i);
        }
        assertThat(log.dropped()).isEqualTo(2);
        log.close();
        assertThat(out()).contains("n=1\n", "n=2\n", "n=3\n").doesNotContain("n=4", "n=5");
    }
}
