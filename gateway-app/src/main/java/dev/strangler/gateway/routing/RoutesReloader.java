package dev.strangler.gateway.routing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.strangler.gateway.routes.Diagnostic;
import dev.strangler.gateway.routes.ParseResult;
import dev.strangler.gateway.routes.RoutesLoader;
import dev.strangler.gateway.routes.RoutesParser;
import dev.strangler.gateway.routes.SourceLocation;
import dev.strangler.gateway.routes.TableChanges;

/**
 * Watches routes.yaml by polling a hash of its content. Polling content (rather than file events or
 * modification times) sees every way the file can change: an editor's save-by-rename, a Kubernetes
 * ConfigMap's {@code ..data} symlink swap, a copy over a mounted directory. A change is loaded once the
 * content has stayed the same for the settle time, so a half-written file is never loaded.
 */
public final class RoutesReloader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RoutesReloader.class);

    /** Told about each reload, for metrics. */
    public interface Listener {
        void reloaded(RouteTable table);

        void rejected(ParseResult result);
    }

    private final Path file;
    private final RoutesLoader loader;
    private final ActiveRouteTable active;
    private final Duration pollInterval;
    private final Duration settleTime;
    private final Listener listener;
    private final Clock clock;
    private ScheduledExecutorService executor;

    private String seenHash;
    private long seenSince;
    private String rejectedHash;
    private String unreadable;

    public RoutesReloader(Path file, RoutesLoader loader, ActiveRouteTable active, Duration pollInterval, Duration settleTime,
            Listener listener, Clock clock) {
        this.file = file;
        this.loader = loader;
        this.active = active;
        this.pollInterval = pollInterval;
        this.settleTime = settleTime;
        this.listener = listener;
        this.clock = clock;
        this.seenHash = active.current().source().contentHash();
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "routes-reloader");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("event=routes.watch file={} pollMs={} settleMs={}", file, pollInterval.toMillis(), settleTime.toMillis());
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** One check of the file; public so that tests and the CLI can drive it without waiting. */
    public void poll() {
        try {
            byte[] content;
            try {
                content = loader.read(file);
                unreadable = null;
            }
            catch (IOException e) {
                String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!reason.equals(unreadable)) {
                    unreadable = reason;
                    log.warn("event=routes.unreadable file={} reason=\"{}\" action=keep-last-good-table", file, reason);
                    active.failed(new ActiveRouteTable.ReloadFailure(null, clock.instant(), List.of(Diagnostic.error(
                            new SourceLocation(file.toString(), 1, 1), "cannot read the routes file (" + reason + ")"))));
                }
                return;
            }
            String hash = RoutesParser.sha256Of(content);
            long now = clock.millis();
            if (!hash.equals(seenHash)) {
                seenHash = hash;
                seenSince = now;
                return;
            }
            if (hash.equals(active.current().source().contentHash()) || hash.equals(rejectedHash)
                    || now - seenSince < settleTime.toMillis()) {
                return;
            }
            apply(loader.parse(file, content));
        }
        catch (RuntimeException | LinkageError e) {
            // Caught so that the scheduled task survives: an escaping throwable would silently stop all later reloads.
            log.error("event=routes.reload.error file={} error=\"{}\"", file, e.toString(), e);
        }
    }

    private void apply(ParseResult result) {
        if (!result.ok()) {
            rejectedHash = result.contentHash();
            active.failed(new ActiveRouteTable.ReloadFailure(result.contentHash(), clock.instant(), result.errors()));
            log.warn("event=routes.reload.rejected file={} errors={} action=keep-last-good-table hash={}", file,
                    result.errors().size(), active.current().source().contentHash());
            result.errors().forEach(d -> log.warn("event=routes.error {}", d));
            listener.rejected(result);
            return;
        }
        RouteTable next = RouteTable.compile(result.table());
        RouteTable previous = active.swap(next);
        rejectedHash = null;
        TableChanges changes = TableChanges.between(previous.source(), next.source());
        log.info("event=routes.reloaded file={} routes={} hash={} {}", file, next.source().routes().size(),
                next.source().contentHash(), changes);
        result.warnings().forEach(d -> log.warn("event=routes.warning {}", d));
        listener.reloaded(next);
    }

    @Override
    public int getPhase() {
        return 0;
    }
}
