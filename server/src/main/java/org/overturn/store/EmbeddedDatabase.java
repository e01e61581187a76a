package org.overturn.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL run by Overturn itself in its data directory, for a server with no database configured. The data
 * survives restarts. A postmaster left running by a killed JVM is stopped before a new one starts, and a lock file
 * keeps two live servers from sharing one directory.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path dataDir, FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
    }

    /** Starts (initializing on first use) the database kept in {@code dataDir}. */
    static EmbeddedDatabase start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve("overturn.lock");
        FileChannel channel = new RandomAccessFile(lockFile.toFile(), "rw").getChannel();
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldByThisJvm) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another running Overturn server; stop it or choose another overturn.data-dir");
        }
        try {
            Path pgData = dataDir.resolve("pgdata");
            stopOrphan(pgData);
            long start = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(dataDir.resolve("runtime").toFile())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // The library tunes PostgreSQL for throwaway test databases (synchronous_commit=off); a server
                    // must not lose a write it acknowledged.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "100")
                    // Spring closes the database after the connection pool, in order; no second shutdown hook.
                    .setRegisterShutdownHook(false)
                    .start();
            log.info(
                    "Embedded PostgreSQL started on port {} with data in {} ({} ms)",
                    postgres.getPort(),
                    pgData.toAbsolutePath(),
                    (System.nanoTime() - start) / 1_000_000);
            return new EmbeddedDatabase(dataDir, channel, lock, postgres);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    int port() {
        return postgres.getPort();
    }

    Path dataDir() {
        return dataDir;
    }

    /** The postmaster's process id, from its pid file; empty when none is running. */
    public static Optional<Long> postmasterPid(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its postmaster running (pg_ctl detaches it). We hold the directory lock, so
     * that postmaster belongs to no live server: stop it, so the new start does not silently run on the orphan.
     */
    private static void stopOrphan(Path pgData) throws IOException {
        Optional<Long> pid = postmasterPid(pgData);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostgres(process.get())) {
            return; // stale pid file: PostgreSQL itself handles it on start
        }
        log.warn("Found PostgreSQL (pid {}) left running on {} by a server that did not shut down; stopping it",
                pid.get(), pgData.toAbsolutePath());
        signal(pid.get(), "INT"); // fast shutdown: roll back open transactions, flush, exit
        if (!waitForExit(process.get(), ORPHAN_STOP_WAIT)) {
            log.warn("PostgreSQL (pid {}) did not stop within {}; sending SIGQUIT", pid.get(), ORPHAN_STOP_WAIT);
            signal(pid.get(), "QUIT");
            if (!waitForExit(process.get(), ORPHAN_STOP_WAIT)) {
                throw new IllegalStateException("Could not stop the PostgreSQL left running on " + pgData.toAbsolutePath()
                        + " (pid " + pid.get() + "); stop it by hand and start again");
            }
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> c.contains("postgres")).orElse(true);
    }

    private static void signal(long pid, String signal) throws IOException {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling PostgreSQL", e);
        }
    }

    private static boolean waitForExit(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
