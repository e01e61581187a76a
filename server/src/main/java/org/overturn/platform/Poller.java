package org.overturn.platform;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.jspecify.annotations.Nullable;

/**
 * Runs a feature's round (deliver what is due from its outbox table) every interval on one daemon thread of its own,
 * from start-up to shutdown. A failed round is logged and the next one retries: the rows stay in the database.
 */
public final class Poller implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final String name;
    private final boolean enabled;
    private final Duration interval;
    private final Runnable round;
    private @Nullable ScheduledExecutorService executor;

    /** @param enabled false: this instance never runs the round (another instance may) */
    public Poller(String name, boolean enabled, Duration interval, Runnable round) {
        this.name = name;
        this.enabled = enabled;
        this.interval = interval;
        this.round = round;
    }

    @Override
    public synchronized void start() {
        if (!enabled || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long every = interval.toMillis();
        executor.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            SystemWork.run(name, round);
        } catch (RuntimeException e) {
            // The database may be briefly unavailable; the rows stay and the next round retries.
            log.warn("{} poll failed: {}", name, e.toString());
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
