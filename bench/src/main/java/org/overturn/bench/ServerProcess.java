package org.overturn.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One system under test, started as its own process on loopback: its start is timed to the first answered
 * {@code /fhir/metadata}, its memory read from /proc. Stopped with SIGTERM, then killed if it lingers.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final long startMillis;
    private final String dataMarker;

    private final Path gcLog;

    private ServerProcess(Process process, int port, long startMillis, String dataMarker, Path gcLog) {
        this.process = process;
        this.port = port;
        this.startMillis = startMillis;
        this.dataMarker = dataMarker;
        this.gcLog = gcLog;
    }

    /**
     * @param dataMarker a string in the command lines of helper processes to count in memory (the embedded
     *     PostgreSQL's data directory), or empty
     */
    static ServerProcess start(List<String> command, Map<String, String> env, int port, Path log, String dataMarker)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // launchers use the bench's own JVM
        builder.environment().putAll(env);
        // Every JVM the command starts logs its garbage-collection pauses with wall-clock times, so that each scenario
        // can report the pauses that fell inside it; the same for every system (a log changes no collector setting).
        builder.environment().put("JDK_JAVA_OPTIONS", "-Xlog:gc:file=" + log.toAbsolutePath() + ".gc-%p.log:time");
        Process process = builder.start();
        Path gcLog = Path.of(log.toAbsolutePath() + ".gc-" + process.pid() + ".log");
        URI metadata = URI.create("http://127.0.0.1:" + port + "/fhir/metadata");
        long deadline = t0 + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(command.get(command.size() - 1) + " exited with " + process.exitValue()
                        + " before answering; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(metadata).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return new ServerProcess(process, port, (System.nanoTime() - t0) / 1_000_000, dataMarker, gcLog);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("no answer on port " + port + " within " + START_LIMIT + "; see " + log);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port + "/fhir");
    }

    long startMillis() {
        return startMillis;
    }

    /** The server JVM's stop-the-world collection pauses logged between two instants. */
    GcPauses gcPauses(java.time.Instant from, java.time.Instant to) throws IOException {
        return GcPauses.parse(Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of(), from, to);
    }

    /**
     * The server's connection-pool acquire totals from its Prometheus endpoint, or empty when it has none (the HAPI
     * JPA baseline) or does not answer.
     */
    java.util.Optional<PoolWaits.Totals> poolTotals() {
        URI prometheus = URI.create("http://127.0.0.1:" + port + "/actuator/prometheus");
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(prometheus).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? PoolWaits.Totals.parse(r.body()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /** Resident memory of the server's JVM alone, in MiB. */
    long jvmRssMib() throws IOException {
        return rssKb(process.pid()) / 1024;
    }

    /** Resident memory of the server process, plus its embedded database processes, in MiB. */
    long rssMib() throws IOException {
        long kb = rssKb(process.pid());
        if (!dataMarker.isEmpty()) {
            for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                if (p.pid() != process.pid() && p.info().commandLine().map(c -> c.contains(dataMarker)).orElse(false)) {
                    kb += rssKb(p.pid());
                }
            }
        }
        return kb / 1024;
    }

    private static long rssKb(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean exists(String path) {
        return new File(path).isFile();
    }
}
