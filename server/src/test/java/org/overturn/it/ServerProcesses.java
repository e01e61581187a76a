package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.overturn.OverturnApplication;
import org.overturn.store.EmbeddedDatabase;

/**
 * Overturn servers run as child JVMs on one port and one data directory, for tests that kill them with SIGKILL and
 * start them again. {@link #close()} stops every server started, and the PostgreSQL a killed server leaves running in
 * its data directory (pg_ctl detaches the postmaster from the JVM).
 */
final class ServerProcesses implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final List<Process> started = new ArrayList<>();
    private volatile HttpClient http = newClient();

    ServerProcesses(Path dir) throws IOException {
        this.dir = java.nio.file.Files.createDirectories(dir);
        this.port = freePort();
    }

    /** Where the servers keep their data (the embedded PostgreSQL is under pgdata). */
    Path dataDir() {
        return dir.resolve("data");
    }

    /**
     * Starts a server named {@code name} (its output goes to name.log) with the given settings besides the port and
     * the data directory, and waits until it answers /fhir/metadata.
     */
    Process start(String name, String... settings) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                OverturnApplication.class.getName(), "--server.address=127.0.0.1", "--server.port=" + port,
                "--overturn.data-dir=" + dataDir(), "--logging.level.org.overturn.access=WARN"));
        command.addAll(List.of(settings));
        File log = dir.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        started.add(p);
        // A fresh client per server: no keep-alive connection to a killed one is reused.
        http = newClient();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("server " + name + " exited with " + p.exitValue() + "; its log ends:\n" + tail(log.toPath()));
            }
            try {
                if (get("metadata").statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server " + name + " did not answer within " + START_TIMEOUT + "; its log ends:\n" + tail(log.toPath()));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed. */
    static void kill(Process server) throws InterruptedException {
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("killed server exited").isTrue();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    /** A request to the FHIR base with a JSON body (or none), with a timeout: no test waits on a hung server. */
    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/" + path.replace("|", "%7C")))
                .timeout(REQUEST_TIMEOUT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code total} of a {@code _summary=count} search; retried while a just-started server drops connections. */
    int count(String search) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<String> r = get(search + (search.contains("?") ? "&" : "?") + "_summary=count");
                assertThat(r.statusCode()).as("%s: %s", search, r.body()).isEqualTo(200);
                return FhirHttp.JSON.readTree(r.body()).path("total").asInt();
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("search " + search + " failed", last);
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void close() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                kill(p);
            }
        }
        // What the last killed server left: its postmaster would run on until it noticed its directory was gone.
        var postmaster = EmbeddedDatabase.postmasterPid(dataDir().resolve("pgdata")).flatMap(ProcessHandle::of);
        if (postmaster.isPresent() && postmaster.get().isAlive()) {
            postmaster.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients are gone
            try {
                postmaster.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                postmaster.get().destroyForcibly();
            }
        }
    }

    static void waitUntil(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
