package dev.strangler.gateway.observe;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per proxied request on standard output, such as
 * {@code 2026-11-26T05:45:36.523Z strangler.access event=request route=orders-api ... traceId=...}.
 *
 * <p>Like the access logs of nginx and Envoy, it does not go through the application's logging. A line per request
 * through Logback's async appender woke its writer thread for almost every line and formatted the full console
 * pattern: about a tenth of the gateway's CPU at full load. Here the event loop only queues the line; one thread
 * writes what has queued, every {@link #FLUSH_INTERVAL_MILLIS} ms, in one write. A line therefore appears at most
 * that long after its request. Under overload (the output cannot keep up) lines beyond {@link #MAX_PENDING} are
 * dropped rather than held in memory or allowed to slow traffic, and the drops are counted and logged.
 */
public final class AccessLog implements AutoCloseable {

    static final long FLUSH_INTERVAL_MILLIS = 100;
    static final int MAX_PENDING = 100_000;
    static final String PREFIX = " strangler.access ";

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    private record Line(long epochMillis, String text) {
    }

    /** At most this much is written under the stream's lock at once, so that other output is not held up behind a long backlog. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final Supplier<PrintStream> out;
    private final int maxPending;
    private final long flushIntervalNanos;
    private final Queue<Line> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    /** The writer starts with the first line, so that a gateway with the access log off runs no thread for it. */
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean open = true;

    public AccessLog() {
        // System.out as it is at each write, not as it was at start: tools that capture the output replace it.
        this(MAX_PENDING, FLUSH_INTERVAL_MILLIS, () -> System.out);
    }

    AccessLog(int maxPending, long flushIntervalMillis, Supplier<PrintStream> out) {
        this.out = out;
        this.maxPending = maxPending;
        this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
        writer = new Thread(this::run, "strangler-access-log");
        writer.setDaemon(true);
    }

    /** Queues one line; never blocks. A line that comes after {@link #close()} is counted as dropped. */
    public void write(String text) {
        if (!open) {
            dropped.incrementAndGet();
            return;
        }
        if (!started.get() && started.compareAndSet(false, true)) {
            writer.start();
        }
        if (size.incrementAndGet() > maxPending) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        pending.add(new Line(System.currentTimeMillis(), text));
    }

    public long dropped() {
        return dropped.get();
    }

    boolean writerRunning() {
        return writer.isAlive();
    }

    private void run() {
        long reported = 0;
        while (open) {
            LockSupport.parkNanos(flushIntervalNanos);
            flush();
            long drops = dropped.get();
            if (drops != reported) {
                log.warn("event=access-log.dropped lines={} total={} reason=\"standard output could not keep up\"",
                        drops - reported, drops);
                reported = drops;
            }
        }
    }

    /** Writes every queued line in one write; only the writer thread and {@link #close()} call it. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        PrintStream stdout = out.get();
        StringBuilder chunk = new StringBuilder(CHUNK_BYTES + 1024);
        long lastSecond = -1;
        String secondPrefix = "";
        Line line;
        while ((line = pending.poll()) != null) {
            size.decrementAndGet();
            long second = line.epochMillis() / 1000;
            if (second != lastSecond) {
                // "2026-11-26T05:45:36", computed once per second of lines rather than per line.
                secondPrefix = Instant.ofEpochSecond(second).toString();
                secondPrefix = secondPrefix.substring(0, secondPrefix.length() - 1);
                lastSecond = second;
            }
            int millis = (int) (line.epochMillis() % 1000);
            chunk.append(secondPrefix).append('.');
            if (millis < 100) {
                chunk.append('0');
            }
            if (millis < 10) {
                chunk.append('0');
            }
            chunk.append(millis).append('Z').append(PREFIX).append(line.text()).append('\n');
            if (chunk.length() >= CHUNK_BYTES) {
                emit(stdout, chunk);
            }
        }
        emit(stdout, chunk);
    }

    private static void emit(PrintStream stdout, StringBuilder chunk) {
        if (chunk.length() > 0) {
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
            stdout.write(bytes, 0, bytes.length);
            stdout.flush();
            chunk.setLength(0);
        }
    }

    /** Writes what is still queued; the gateway closes it after the server has finished its in-flight requests. */
    @Override
    public void close() {
        open = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
