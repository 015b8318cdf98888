package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Rewrites routes.yaml on a fixed period while load runs, the way an editor or a ConfigMap update replaces it:
 * a temporary file in the same directory, then an atomic rename.
 */
final class RoutesRewriter implements AutoCloseable {

    private final Path file;
    private final IntFunction<String> variant;
    private final Duration period;
    private final AtomicInteger writes = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    RoutesRewriter(Path file, IntFunction<String> variant, Duration period, int firstVariant) {
        this.file = file;
        this.variant = variant;
        this.period = period;
        this.thread = new Thread(() -> loop(firstVariant), "routes-rewriter");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void loop(int first) {
        int v = first;
        long next = System.nanoTime() + period.toNanos();
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                catch (InterruptedException e) {
                    return;
                }
            }
            if (!running) {
                return;
            }
            try {
                writeAtomically(file, variant.apply(v++));
                writes.incrementAndGet();
            }
            catch (IOException e) {
                failure = e;
                return;
            }
            next += period.toNanos();
        }
    }

    int writes() {
        return writes.get();
    }

    /** The variant number the next rewriter should start from, so consecutive runs keep alternating. */
    int nextVariant(int first) {
        return first + writes.get();
    }

    @Override
    public void close() {
        // No interrupt: it could close the file channel of a write in progress. The loop sees the flag within a period.
        running = false;
        try {
            thread.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("rewriting " + file + " failed", failure);
        }
    }
}
