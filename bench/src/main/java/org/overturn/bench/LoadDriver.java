package org.overturn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.overturn.fixtures.Scenarios;

/**
 * Drives a bounded load against a FHIR server on this machine and reports latency percentiles and throughput as
 * JSON. It seeds one synthetic chart first (a fixture transaction Bundle), then times reads or searches of it.
 *
 * <pre>java -jar bench/target/overturn-bench.jar --base http://127.0.0.1:8080/fhir --scenario read --clients 4 --requests 2000</pre>
 */
public final class LoadDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Options(URI base, String scenario, int clients, int requests, int warmup) {
        static Options parse(String[] args) {
            String base = "http://127.0.0.1:8080/fhir";
            String scenario = "read";
            int clients = 4;
            int requests = 2000;
            int warmup = 500;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--base" -> base = args[i + 1];
                    case "--scenario" -> scenario = args[i + 1];
                    case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                    case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                    case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --base URL --scenario read|search|metadata --clients N --requests N --warmup N");
                }
            }
            if (!List.of("read", "search", "metadata").contains(scenario)) {
                throw new IllegalArgumentException("--scenario must be read, search or metadata");
            }
            if (clients < 1 || clients > 256 || requests < 1 || requests > 1_000_000 || warmup < 0) {
                throw new IllegalArgumentException("--clients 1..256, --requests 1..1000000, --warmup >= 0");
            }
            return new Options(URI.create(base.replaceAll("/$", "")), scenario, clients, requests, warmup);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        requireLoopback(options.base());
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        String path = target(http, options);
        System.err.printf(Locale.ROOT, "warming up: %d requests to %s%n", options.warmup(), path);
        run(http, options.base() + path, options.clients(), options.warmup());
        System.err.printf(Locale.ROOT, "measuring: %d requests, %d clients%n", options.requests(), options.clients());
        long start = System.nanoTime();
        Histogram histogram = run(http, options.base() + path, options.clients(), options.requests());
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode out = JSON.createObjectNode();
        out.put("scenario", options.scenario());
        out.put("clients", options.clients());
        out.put("requests", options.requests());
        out.put("p50_ms", ms(histogram.getValueAtPercentile(50)));
        out.put("p90_ms", ms(histogram.getValueAtPercentile(90)));
        out.put("p99_ms", ms(histogram.getValueAtPercentile(99)));
        out.put("max_ms", ms(histogram.getMaxValue()));
        out.put("throughput_per_s", Math.round(options.requests() / seconds * 10) / 10.0);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        System.out.println(JSON.writeValueAsString(out));
    }

    /** Load only ever goes to this machine. */
    static void requireLoopback(URI base) throws IOException {
        InetAddress address = InetAddress.getByName(base.getHost());
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to load " + base.getHost() + ": only loopback targets are allowed");
        }
    }

    /** Seeds the first fixture chart and returns the path the scenario requests. */
    private static String target(HttpClient http, Options options) throws IOException, InterruptedException {
        if (options.scenario().equals("metadata")) {
            return "/metadata";
        }
        HttpResponse<String> seeded = http.send(
                HttpRequest.newBuilder(options.base())
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(Scenarios.ALECTINIB_CA.bundleJson()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (seeded.statusCode() != 200) {
            throw new IllegalStateException("seeding the chart failed: HTTP " + seeded.statusCode() + " " + seeded.body());
        }
        String patient = null;
        String observation = null;
        for (JsonNode entry : JSON.readTree(seeded.body()).path("entry")) {
            String location = entry.path("response").path("location").asText();
            if (location.startsWith("Patient/")) {
                patient = location.split("/")[1];
            } else if (location.startsWith("Observation/") && observation == null) {
                observation = location.split("/")[1];
            }
        }
        if (patient == null || observation == null) {
            throw new IllegalStateException("the seeded chart has no Patient or Observation");
        }
        return options.scenario().equals("read")
                ? "/Observation/" + observation
                : "/Observation?patient=" + patient + "&code=http://loinc.org%7C76042-8";
    }

    private static Histogram run(HttpClient http, String url, int clients, int requests) throws Exception {
        Histogram histogram = new Histogram(TIMEOUT.toNanos() / 1000, 3);
        AtomicInteger remaining = new AtomicInteger(requests);
        AtomicInteger failures = new AtomicInteger();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Accept", "application/fhir+json")
                .GET()
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    Histogram mine = new Histogram(TIMEOUT.toNanos() / 1000, 3);
                    while (remaining.getAndDecrement() > 0) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        mine.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    }
                    return mine;
                }));
            }
            for (Future<Histogram> f : futures) {
                histogram.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests did not answer 200");
        }
        return histogram;
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
