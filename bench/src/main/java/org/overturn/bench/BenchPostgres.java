package org.overturn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The bench's own PostgreSQL cluster on loopback, made with {@code initdb} under {@code bench/target}, with the server's
 * default settings, autovacuum included, as a production database runs (the machine's shared PostgreSQL may have it
 * off). Both the HAPI JPA baseline and Overturn on PostgreSQL use it; nothing in the bench runs ANALYZE by hand.
 */
final class BenchPostgres implements AutoCloseable {
    static final int PORT = 15432;
    private final Path data;

    private BenchPostgres(Path data) {
        this.data = data;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + PORT + "/postgres?user=postgres";
    }

    /** Starts the cluster in {@code data} (made on first use), or returns null if the PostgreSQL tools are not on PATH. */
    static @Nullable BenchPostgres start(Path dir) throws IOException, InterruptedException {
        // Absolute: the server resolves its socket directory from inside the data directory.
        Path data = dir.toAbsolutePath().normalize();
        if (!onPath("initdb") || !onPath("pg_ctl")) {
            return null;
        }
        Files.createDirectories(data);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres account.
            run(List.of("chown", "-R", "postgres", data.toString()), false);
        }
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            run(List.of("initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8"), root);
        }
        // A server left running by an interrupted run is stopped first, so the bench knows which one it measures.
        if (Files.exists(data.resolve("postmaster.pid"))) {
            run(List.of("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop"), root, true);
        }
        run(List.of("pg_ctl", "-D", data.toString(), "-l", data.resolve("server.log").toString(), "-w", "-o",
                "-p " + PORT + " -c listen_addresses=127.0.0.1 -k " + data), root);
        return new BenchPostgres(data);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop"), "root".equals(System.getProperty("user.name")), true);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        run(command, asPostgres, false);
    }

    private static void run(List<String> command, boolean asPostgres, boolean mayFail) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        if (command.get(0).equals("pg_ctl") && !command.contains("stop")) {
            full.add("start");
        }
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroy();
            throw new IllegalStateException(String.join(" ", full) + " did not finish");
        }
        if (p.exitValue() != 0 && !mayFail) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + out);
        }
    }
}
