package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overturn.OverturnApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The embedded database keeps data across restarts, and recovers from a server killed with SIGKILL. */
class EmbeddedDatabaseIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Restart\"}]}";

    @TempDir
    Path dataDir;

    @Test
    void restartWhenSameDataDirThenResourcesAreStillThere() throws Exception {
        String id;
        try (ConfigurableApplicationContext app = start(dataDir)) {
            id = createPatient(port(app));
        }
        try (ConfigurableApplicationContext app = start(dataDir)) {
            HttpResponse<String> read = get(port(app), "Patient/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("Restart");
        }
    }

    @Test
    void secondServerWhenDataDirInUseThenRefusesToStart() throws Exception {
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dataDir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir))
                    .hasMessageContaining("in use by another running Overturn server");
            assertThat(first.port()).isPositive();
        }
    }

    @Test
    void startWhenPreviousServerWasKilledThenItsOrphanPostgresIsStoppedAndDataKept() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File log = dataDir.resolve("child.log").toFile();
        Files.createDirectories(dataDir.resolve("data"));
        Path data = dataDir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), OverturnApplication.class.getName(),
                        "--server.port=" + port, "--overturn.data-dir=" + data)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        String id;
        long orphanPid;
        try {
            waitForMetadata(port, child);
            id = createPatient(port);
            orphanPid = EmbeddedDatabase.postmasterPid(data.resolve("pgdata")).orElseThrow();
        } finally {
            child.destroyForcibly().waitFor();
        }
        // The scenario is real: killing the JVM left PostgreSQL running.
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

        try (ConfigurableApplicationContext app = start(data)) {
            assertThat(get(port(app), "Patient/" + id).statusCode()).isEqualTo(200);
            long newPid = EmbeddedDatabase.postmasterPid(data.resolve("pgdata")).orElseThrow();
            assertThat(newPid).isNotEqualTo(orphanPid);
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(OverturnApplication.class)
                .run("--server.port=0", "--overturn.data-dir=" + dataDir, "--management.server.port=");
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static String createPatient(int port) throws Exception {
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(PATIENT))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        List<String> parts = List.of(location.split("/"));
        return parts.get(parts.indexOf("Patient") + 1);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void waitForMetadata(int port, Process child) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!child.isAlive()) {
                throw new AssertionError("child server exited with " + child.exitValue());
            }
            try {
                if (get(port, "metadata").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("child server did not answer within 120 s");
    }
}
