package dev.strangler.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Each test writes to a stream of its own: other gateways of the test run write to standard output. */
class AccessLogTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(captured, true, StandardCharsets.UTF_8);

    private String out() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theWriterThreadWritesLinesInOrderWithATimestampWithinTheFlushInterval() throws InterruptedException {
        try (AccessLog log = new AccessLog(1_000, 20, () -> stream)) {
            log.write("event=request route=a status=200");
            log.write("event=request route=b status=503 failure=refused");
            for (int i = 0; i < 200 && !out().contains("route=b"); i++) {
                Thread.sleep(10);
            }
            // Still open: the writer thread wrote these, not close().
            String[] lines = out().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).endsWith(" strangler.access event=request route=a status=200");
            assertThat(lines[1]).endsWith(" strangler.access event=request route=b status=503 failure=refused");
            assertThat(out()).matches("(?s)(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z strangler\\.access [^\n]+\n){2}");
        }
    }

    @Test
    void noWriterThreadRunsBeforeTheFirstLineSoALogThatIsOffCostsNone() {
        try (AccessLog log = new AccessLog(1_000, 20, () -> stream)) {
            assertThat(log.writerRunning()).isFalse();
            log.write("event=request route=a status=200");
            assertThat(log.writerRunning()).isTrue();
        }
    }

    @Test
    void closeWritesWhatIsStillQueuedAndCountsLaterLinesAsDropped() {
        AccessLog log = new AccessLog(1_000, 3_600_000, () -> stream);
        log.write("event=request route=last");
        assertThat(out()).isEmpty();
        log.close();
        assertThat(out()).endsWith(" strangler.access event=request route=last\n");
        log.write("event=request route=after-close");
        assertThat(log.dropped()).isEqualTo(1);
    }

    @Test
    void linesBeyondTheLimitAreDroppedAndCountedInsteadOfHeld() {
        AccessLog log = new AccessLog(3, 3_600_000, () -> stream);
        for (int i = 1; i <= 5; i++) {
            log.write("event=request n=" + i);
        }
        assertThat(log.dropped()).isEqualTo(2);
        log.close();
        assertThat(out()).contains("n=1\n", "n=2\n", "n=3\n").doesNotContain("n=4", "n=5");
    }

    @Test
    void aLongBacklogIsWrittenInChunksOfWholeLines() {
        java.util.List<Integer> writes = new java.util.ArrayList<>();
        PrintStream counting = new PrintStream(captured, true, StandardCharsets.UTF_8) {
            @Override
            public void write(byte[] buf, int off, int len) {
                writes.add(len);
                assertThat(buf[off + len - 1]).as("a chunk ends at a line end").isEqualTo((byte) '\n');
                super.write(buf, off, len);
            }
        };
        AccessLog log = new AccessLog(10_000, 3_600_000, () -> counting);
        for (int i = 0; i < 5_000; i++) {
            log.write("event=request route=r" + i + " status=200 latencyMs=1.0 traceId=0123456789abcdef0123456789abcdef");
        }
        log.close();
        assertThat(out().split("\n")).hasSize(5_000);
        assertThat(writes).hasSizeGreaterThan(1).allSatisfy(len -> assertThat(len).isLessThan(AccessLog.CHUNK_BYTES + 1024));
    }
}
