package dev.strangler.daprdouble.persist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Writes the data file shortly after changes (coalescing bursts), and once more on close. A graceful stop loses
 * nothing; a kill -9 can lose the last {@code interval} of changes.
 */
public final class SnapshotWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);

    private final DataFile file;
    private final Supplier<DataFile.Content> source;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService flusher;

    public SnapshotWriter(DataFile file, Supplier<DataFile.Content> source, Duration interval) {
        this.file = file;
        this.source = source;
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dapr-double-snapshot");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flushIfDirty, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void markDirty() {
        dirty.set(true);
    }

    public void flush() {
        dirty.set(false);
        file.write(source.get());
    }

    private void flushIfDirty() {
        if (dirty.get()) {
            try {
                flush();
            } catch (RuntimeException e) {
                dirty.set(true);
                log.error("event=snapshot-failed file={} error=\"{}\"", file.path(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
