package org.overturn.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in EHR FHIR server on 127.0.0.1 that answers every query after a fixed delay, with the chart of one
 * patient: what an EHR's fhirServer looks like to a hook call without prefetch. The JDK's own HTTP server keeps the
 * bench free of a mock framework's overhead.
 */
final class StubEhr implements AutoCloseable {
    private static final String EMPTY = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(64);

    /** {@code answers}: "Patient/{id}" or a resource type → the JSON it answers. */
    StubEhr(Map<String, String> answers, Duration delay) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(pool);
        server.createContext("/fhir/", exchange -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String path = exchange.getRequestURI().getPath().substring("/fhir/".length());
            String body = answers.getOrDefault(path, answers.getOrDefault(path.split("/")[0], EMPTY));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
