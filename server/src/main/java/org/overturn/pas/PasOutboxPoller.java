package org.overturn.pas;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;

/** Runs the outbox worker every poll interval on one thread of its own, from start-up to shutdown. */
final class PasOutboxPoller implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PasOutboxPoller.class);

    private final PasOutboxWorker worker;
    private final PasProperties.Outbox settings;
    private final Clock clock;
    private @Nullable ScheduledExecutorService executor;

    PasOutboxPoller(PasOutboxWorker worker, PasProperties.Outbox settings, Clock clock) {
        this.worker = worker;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (!settings.enabled() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pas-outbox");
            t.setDaemon(true);
            return t;
        });
        long every = settings.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            while (worker.deliverDue(clock.instant()) == settings.batchSize()) {
                // a full batch: more may be due
            }
        } catch (RuntimeException e) {
            // The database may be briefly unavailable; the rows stay and the next poll retries.
            log.warn("PAS outbox poll failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
