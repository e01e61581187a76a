package org.overturn.subscriptions;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;

/** Runs the notification worker every poll interval on one thread of its own, from start-up to shutdown. */
final class NotificationPoller implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(NotificationPoller.class);
    /** Rounds one poll may run back to back while rows keep coming (a handshake unblocks the events behind it). */
    private static final int MAX_ROUNDS = 50;

    private final NotificationWorker worker;
    private final SubscriptionsProperties settings;
    private final Clock clock;
    private @Nullable ScheduledExecutorService executor;

    NotificationPoller(NotificationWorker worker, SubscriptionsProperties settings, Clock clock) {
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
            Thread t = new Thread(r, "subscription-poll");
            t.setDaemon(true);
            return t;
        });
        long every = settings.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            for (int round = 0; round < MAX_ROUNDS && worker.deliverDue(clock.instant()) > 0; round++) {
                // more may be due: events wait behind the handshake or event before them
            }
        } catch (RuntimeException e) {
            // The database may be briefly unavailable; the rows stay and the next poll retries.
            log.warn("Subscription notification poll failed: {}", e.toString());
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
