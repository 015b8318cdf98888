package dev.strangler.bench;

/** Samples a process tree's VmRSS every 200 ms while load runs, and keeps the peak. */
final class RssSampler implements AutoCloseable {

    private final long pid;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakKb;

    RssSampler(long pid) {
        this.pid = pid;
        this.thread = new Thread(this::loop, "rss-sampler-" + pid);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            peakKb = Math.max(peakKb, ProcessProbe.rssKb(pid));
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    long peakKb() {
        return peakKb;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peakKb = Math.max(peakKb, ProcessProbe.rssKb(pid));
    }
}
