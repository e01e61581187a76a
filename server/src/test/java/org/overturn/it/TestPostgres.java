package org.overturn.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.overturn.store.EmbeddedDatabase;
import org.springframework.lang.Nullable;

/**
 * A PostgreSQL the test runs itself and can stop abruptly: the binaries the server embeds, a data directory of the
 * test's, and a fixed port on 127.0.0.1, so a server keeps its JDBC URL across a stop and a start.
 */
final class TestPostgres implements AutoCloseable {
    private final Path dir;
    private final int port;
    private @Nullable EmbeddedPostgres running;

    TestPostgres(Path dir) throws IOException {
        this.dir = dir;
        this.port = ServerProcesses.freePort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts PostgreSQL on the data directory (creating it the first time); returns once it accepts connections. */
    void start() throws IOException {
        running = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dir.resolve("runtime").toFile())
                .setPort(port)
                // as the server's own embedded database: a commit is durable before it is acknowledged
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setRegisterShutdownHook(false)
                .start();
    }

    /**
     * Immediate shutdown, as {@code pg_ctl stop -m immediate} does it (SIGQUIT to the postmaster): every connection is
     * cut, nothing is checkpointed, and the next start runs crash recovery.
     */
    void stopImmediately() throws Exception {
        long pid = EmbeddedDatabase.postmasterPid(dir.resolve("pgdata")).orElseThrow(() -> new IllegalStateException("not running"));
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
        }
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        release();
    }

    /** Lets go of the library's lock on the directory; its own stop finds no server and logs so. */
    private void release() throws IOException {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    @Override
    public void close() throws IOException {
        release();
    }
}
