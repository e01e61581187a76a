package org.overturn.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of an outbox round ({@code pas}, {@code subscriptions}): the units of work claimed in one round
 * (rows leased to this instance, or groups of them that must go out in order) are sent in parallel on a fixed pool of
 * daemon threads, each as the server's own work, and the round ends when all are done. A slow endpoint then holds up
 * only its own unit; the lease keeps other instances off the rows, so parallelism changes nothing about who sends what.
 * A unit that throws is logged and left to its lease: the rows stay in the database and a later round retries them.
 */
public final class ParallelSends {
    private static final Logger log = LoggerFactory.getLogger(ParallelSends.class);

    private final String name;
    private final ExecutorService senders;

    /** @param name names the threads ({@code name-1}, ...) and the server's work in logs and the audit trail */
    public ParallelSends(String name, int parallelism) {
        this.name = name;
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends every unit, in parallel, and returns when all have been tried. */
    public <T> void sendAll(Collection<T> units, Consumer<T> send) {
        List<Future<?>> running = new ArrayList<>(units.size());
        for (T unit : units) {
            running.add(senders.submit(() -> SystemWork.run(name, () -> send.accept(unit))));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                log.warn("{}: a send failed; its rows are retried after their lease", name, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the pool at shutdown; rows being sent stay leased and are retried by whichever instance runs next. */
    public void shutdown() {
        senders.shutdownNow();
    }
}
