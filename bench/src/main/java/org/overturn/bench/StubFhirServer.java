package org.overturn.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a system Overturn calls, on 127.0.0.1, answering every request after a fixed delay: an EHR's
 * fhirServer holding one patient's chart (hook calls without prefetch), or a payer's PAS endpoint that approves
 * whatever it is sent. The JDK's own HTTP server keeps a mock framework's overhead out of the figures.
 */
final class StubFhirServer implements AutoCloseable {
    private static final String EMPTY = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}";
    /** A PAS response Bundle: one item, review action A1 (approved). */
    private static final String APPROVED = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":"
            + "\"http://payer.example.org/fhir/ClaimResponse/1\",\"resource\":{\"resourceType\":\"ClaimResponse\",\"status\":\"active\","
            + "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"pharmacy\"}]},"
            + "\"use\":\"preauthorization\",\"patient\":{\"reference\":\"Patient/payer-side\"},\"created\":\"2026-12-01\","
            + "\"insurer\":{\"display\":\"bench payer\"},\"outcome\":\"complete\",\"preAuthRef\":\"BENCH-1\",\"item\":[{\"itemSequence\":1,"
            + "\"adjudication\":[{\"extension\":[{\"url\":\"http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction\","
            + "\"extension\":[{\"url\":\"http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode\","
            + "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"https://codesystem.x12.org/005010/306\",\"code\":\"A1\"}]}}]}],"
            + "\"category\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/adjudication\",\"code\":\"submitted\"}]}}]}]}}]}";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(64);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong firstCall = new AtomicLong();
    private final AtomicLong lastCall = new AtomicLong();

    private StubFhirServer(int port, Duration delay, Map<String, String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(pool);
        server.createContext("/fhir/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String path = exchange.getRequestURI().getPath().substring("/fhir/".length());
            answer(exchange, answers.getOrDefault(path, answers.getOrDefault(path.split("/")[0], EMPTY)));
            long now = System.nanoTime();
            firstCall.compareAndSet(0, now);
            lastCall.set(now);
            calls.incrementAndGet();
        });
        server.start();
    }

    /** An EHR holding a chart: {@code answers} maps "Patient/{id}" or a resource type to the JSON it answers. */
    static StubFhirServer ehr(Map<String, String> answers, Duration delay) throws IOException {
        return new StubFhirServer(0, delay, answers);
    }

    /** A payer's PAS endpoint on a fixed port (the server under test is configured with it) that approves. */
    static StubFhirServer payer(int port, Duration delay) throws IOException {
        return new StubFhirServer(port, delay, Map.of("Claim/$submit", APPROVED));
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    /** Waits until {@code expected} requests arrived (or the timeout), and reports the rate they arrived at. */
    void awaitCalls(int expected, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (calls.get() < expected && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        double seconds = (lastCall.get() - firstCall.get()) / 1e9;
        System.err.printf(Locale.ROOT, "  stub payer: %d of %d requests delivered, %.1f per second%n",
                calls.get(), expected, seconds > 0 ? calls.get() / seconds : 0);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
