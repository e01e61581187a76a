package org.overturn.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail's writer: requests are recorded on their own thread into a bounded queue, and one thread of this
 * instance stores them as AuditEvents in batches, each batch one transaction, so a request pays for a queue insert,
 * not for a write. What a crash can lose is at most one flush interval. A full queue makes requests wait for the
 * writer: an unaudited access is worse than a slow one. Each instance writes its own; nothing is shared to coordinate.
 */
final class AuditLog implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final ResourceStore store;
    private final AuditProperties properties;
    private final BlockingQueue<AuditRecord> queue;
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;
    private @Nullable Thread writer;
    /** A batch the database refused, tried again before anything newer. */
    private List<AuditRecord> pending = List.of();

    AuditLog(ResourceStore store, AuditProperties properties) {
        this.store = store;
        this.properties = properties;
        this.queue = new ArrayBlockingQueue<>(properties.capacity());
    }

    /**
     * Records a request refused before it reached anything (401) if the queue has room, else counts it as dropped:
     * an anonymous flood must not make the requests of authenticated callers wait.
     */
    void recordIfRoom(AuditRecord record) {
        if (!queue.offer(record)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn("Audit queue full: {} refused requests not audited so far", n);
            }
        }
    }

    void record(AuditRecord record) {
        if (queue.offer(record)) {
            return;
        }
        log.warn("Audit queue full ({} requests): this request waits for the audit writer", properties.capacity());
        try {
            queue.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("Interrupted while waiting to audit {} {}", record.method(), record.path());
        }
    }

    @Override
    public void start() {
        running = true;
        Thread w = new Thread(this::run, "audit-writer");
        w.setDaemon(true);
        writer = w;
        w.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread w = Objects.requireNonNull(writer, "the lifecycle stops only what it started");
        w.interrupt();
        try {
            w.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(); // what was recorded before the server stopped taking requests
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which stops in the default phase and below) has stopped taking requests. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(properties.flushInterval().toMillis());
                flush();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Audit writer could not store {} AuditEvents; retrying in {}", pending.size(),
                        properties.flushInterval(), e);
            }
        }
    }

    /**
     * Stores what was recorded before the flush began, a batch per transaction. What arrives meanwhile waits for the
     * next flush. Chasing it made each flush end in a string of statements of a dozen rows or so, each with its own
     * commit: at 2,000 requests a second, some sixteen statements per flush instead of one or two.
     */
    synchronized void flush() {
        int waiting = queue.size();
        while (true) {
            List<AuditRecord> batch = pending.isEmpty() ? drain(waiting) : pending;
            if (batch.isEmpty()) {
                return;
            }
            if (batch != pending) {
                waiting -= batch.size();
            }
            try {
                store.appendAudit(batch.stream().map(AuditEvents::entry).toList());
                pending = List.of();
            } catch (RuntimeException e) {
                pending = batch;
                throw e;
            }
        }
    }

    /** At most {@code limit} of the oldest records, and no more than a batch. */
    private List<AuditRecord> drain(int limit) {
        int most = Math.min(properties.batchSize(), limit);
        if (most <= 0) {
            return List.of();
        }
        List<AuditRecord> batch = new ArrayList<>(most);
        queue.drainTo(batch, most);
        return batch;
    }
}
