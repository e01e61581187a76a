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
import org.jspecify.annotations.Nullable;
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
    static final List<String> SCENARIOS = List.of("read", "vread", "search", "search-date", "create", "update", "ingest",
            "metadata", "submit", "letter", "order-sign", "order-sign-ehr", "pas-submit", "pas-submit-payer", "task-due",
            "mixed", "fresh-load", "soak");
    /** Replaced by a fresh UUID in every update: an unchanged body would let a server skip writing a version. */
    private static final String UPDATE_MARK = "bench-update-mark";
    /** The code+date search of the mixed and fresh-load scenarios. */
    static final String CODE_DATE_QUERY = "/Observation?code=http://loinc.org%7C76042-8&date=ge2020-01-01&_count=50";
    /** Charts stored by the fresh-load scenario right before it queries (no statistics can have caught up). */
    static final int FRESH_LOAD_CHARTS = 200;
    /** What is due soonest among a million Tasks (seeded by {@link TaskSeeder}). */
    static final String TASK_DUE_QUERY = "/Task?status=requested&deadline=le2026-02-01&_sort=deadline&_count=20";
    /** How long the stand-in EHR of order-sign-ehr takes to answer each query. */
    static final Duration EHR_DELAY = Duration.ofMillis(50);
    /** A hook body's hookInstance is made unique per request, as an EHR's is. */
    static final String HOOK_INSTANCE = "\"hookInstance\":\"bench\"";
    /** The PAS request's Claim identifier, made unique per request: a resubmitted identifier gets the stored answer. */
    private static final String PAS_REQUEST_ID = "PA-ALK-0001";
    /** The routed payer of pas-submit-payer: the server is started with a route for it to {@link #STUB_PAYER_PORT}. */
    static final String STUB_PAYER_ID = "bench-stub-payer";
    static final int STUB_PAYER_PORT = 18190;
    static final Duration PAYER_DELAY = Duration.ofMillis(200);
    /**
     * A bearer token sent with every request when the server checks tokens (bench/foundation.sh with TOKENS=on takes
     * it from {@link BenchIssuer}, the BenchRunner sets it per system); unset: no Authorization header, as for a server
     * in development mode.
     */
    private static volatile @Nullable String token = System.getenv("OVERTURN_BENCH_TOKEN");

    /** The token for the requests that follow, or null for none. */
    static void useToken(@Nullable String bearer) {
        token = bearer;
    }

    /** Whether wrk sends the timed requests of the scenarios it can ({@link WrkLoad}); else the JDK's HTTP client. */
    private static volatile boolean wrk;
    /** How long wrk measures each scenario, after {@link #WRK_WARMUP_SECONDS} of the same requests. */
    private static volatile int wrkSeconds = 10;
    private static final int WRK_WARMUP_SECONDS = 3;

    static void useWrk(boolean on, int seconds) {
        wrk = on;
        wrkSeconds = seconds;
    }

    /**
     * Which client sends the timed requests of a scenario: wrk when it is on and can (every request to the server under
     * test, unsigned CDS Hooks calls included; not pas-submit-payer, whose stand-in payer then waits for a known number
     * of deliveries).
     */
    static String client(URI base, String scenario, List<Target> targets) {
        return wrk && WrkLoad.handles(base, targets) && !scenario.equals("pas-submit-payer") ? "wrk" : "jdk";
    }

    /** In a target's path and body, the id of the resource of the sending client (see {@link Target#own}). */
    static final String OWN = "{own}";

    /**
     * One request to repeat: method, path below the base (or an absolute URL), body for POSTs and its type, a token in
     * the body replaced by a fresh UUID in every request (null: the same body every time), and the ids that replace
     * {@link #OWN} for each client (client c sends to own[c]: no two clients ever write the same resource).
     */
    record Target(String method, String path, String body, String contentType, @Nullable String unique, List<String> own) {
        Target(String method, String path, String body) {
            this(method, path, body, "application/fhir+json", null, List.of());
        }

        Target(String method, String path, String body, String contentType, @Nullable String unique) {
            this(method, path, body, contentType, unique, List.of());
        }
    }

    public record Options(URI base, String scenario, int clients, int requests, int warmup) {
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
                            + "; options: --base URL --scenario " + String.join("|", SCENARIOS)
                            + " --clients N --requests N --warmup N");
                }
            }
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException("--scenario must be one of " + SCENARIOS);
            }
            if (clients < 1 || clients > 256 || requests < 1 || requests > 1_000_000 || warmup < 0) {
                throw new IllegalArgumentException("--clients 1..256, --requests 1..1000000, --warmup >= 0");
            }
            return new Options(URI.create(base.replaceAll("/$", "")), scenario, clients, requests, warmup);
        }
    }

    /**
     * Latency percentiles (milliseconds) and throughput of one measured run, the wall-clock window it was measured in
     * (epoch milliseconds), and the server's collection pauses and connection-pool waits inside that window when the
     * bench knows them.
     */
    public record Result(String scenario, int clients, int requests, double p50, double p90, double p99, double max,
            double throughput, long fromEpochMs, long toEpochMs, GcPauses gc, PoolWaits pool) {
        Result(String scenario, int clients, int requests, double p50, double p90, double p99, double max,
                double throughput, long fromEpochMs, long toEpochMs) {
            this(scenario, clients, requests, p50, p90, p99, max, throughput, fromEpochMs, toEpochMs, GcPauses.NONE,
                    PoolWaits.UNKNOWN);
        }

        Result withServerSide(GcPauses pauses, PoolWaits waits) {
            return new Result(scenario, clients, requests, p50, p90, p99, max, throughput, fromEpochMs, toEpochMs, pauses, waits);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        int client = rest.indexOf("--client");
        if (client >= 0 && client + 1 < rest.size()) {
            useWrk(rest.get(client + 1).equals("wrk"), wrkSeconds);
            rest.subList(client, client + 2).clear();
        }
        Result r = measure(Options.parse(rest.toArray(String[]::new)));
        ObjectNode out = JSON.createObjectNode();
        out.put("scenario", r.scenario());
        out.put("clients", r.clients());
        out.put("requests", r.requests());
        out.put("p50_ms", r.p50());
        out.put("p90_ms", r.p90());
        out.put("p99_ms", r.p99());
        out.put("max_ms", r.max());
        out.put("throughput_per_s", r.throughput());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        System.out.println(JSON.writeValueAsString(out));
    }

    /** Seeds a chart, warms up, then times {@code options.requests()} requests from {@code options.clients()} clients. */
    public static Result measure(Options options) throws Exception {
        return measure(options, () -> {});
    }

    /** As {@link #measure(Options)}, running {@code atStart} after the warm-up, as the timed requests begin. */
    static Result measure(Options options, Runnable atStart) throws Exception {
        requireLoopback(options.base());
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        StubFhirServer ehr = null;
        List<Target> target;
        if (options.scenario().equals("order-sign-ehr")) {
            // No prefetch: the chart comes from a stand-in EHR on loopback answering each query after 50 ms.
            HookRequests.Chart chart = HookRequests.split(Scenarios.ALECTINIB_CA.bundleJson());
            ehr = StubFhirServer.ehr(chart.ehrAnswers(), EHR_DELAY);
            String cds = options.base().toString().replaceFirst("/fhir$", "/cds-services/overturn-order-sign");
            target = List.of(new Target("POST", cds, HookRequests.orderSignFromEhr(chart, ehr.base()), "application/json", HOOK_INSTANCE));
        } else if (options.scenario().startsWith("pas-submit")) {
            String request = Scenarios.ALECTINIB_CA.resource("pas-request.json");
            if (options.scenario().equals("pas-submit-payer")) {
                // Same request, insurer identified as the routed payer: forwarded through the outbox to a stub payer.
                ehr = StubFhirServer.payer(STUB_PAYER_PORT, PAYER_DELAY);
                request = request.replace("\"value\": \"cigna\"", "\"value\": \"" + STUB_PAYER_ID + "\"");
            }
            target = List.of(new Target("POST", "/Claim/$submit", request, "application/fhir+json", PAS_REQUEST_ID));
        } else {
            target = target(http, options);
        }
        try {
            Result result = measure(http, options, target, atStart);
            if (ehr != null && options.scenario().equals("pas-submit-payer")) {
                ehr.awaitCalls(options.warmup() + options.requests(), Duration.ofMinutes(5));
            }
            return result;
        } finally {
            if (ehr != null) {
                ehr.close();
            }
        }
    }

    private static Result measure(HttpClient http, Options options, List<Target> target, Runnable atStart) throws Exception {
        if (client(options.base(), options.scenario(), target).equals("wrk")) {
            // A scenario that asks for a mere handful of warm-up requests (fresh-load: the query right after the load)
            // gets no warm-up.
            int warmup = options.warmup() < 50 ? 0 : WRK_WARMUP_SECONDS;
            System.err.printf(Locale.ROOT, "  %s: wrk from %d clients for %d s after %d s to warm up%n",
                    options.scenario(), options.clients(), wrkSeconds, warmup);
            return WrkLoad.measure(options.base(), options.scenario(), target, options.clients(), wrkSeconds, warmup, token, atStart);
        }
        System.err.printf(Locale.ROOT, "  %s: warming up with %d requests to %s %s%s%n",
                options.scenario(), options.warmup(), target.get(0).method(), target.get(0).path().isEmpty() ? "/" : target.get(0).path(),
                target.size() > 1 ? " and " + (target.size() - 1) + " other weighted requests" : "");
        run(http, options.base(), target, options.clients(), options.warmup());
        atStart.run();
        long start = System.nanoTime();
        long from = System.currentTimeMillis();
        Histogram histogram = run(http, options.base(), target, options.clients(), options.requests());
        double seconds = (System.nanoTime() - start) / 1e9;
        long to = System.currentTimeMillis();
        return new Result(options.scenario(), options.clients(), options.requests(),
                ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getMaxValue()),
                Math.round(options.requests() / seconds * 10) / 10.0, from, to);
    }

    static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        String bearer = token;
        return bearer == null || bearer.isBlank() ? request : request.header("Authorization", "Bearer " + bearer.trim());
    }

    /** Load only ever goes to this machine. */
    static void requireLoopback(URI base) throws IOException {
        InetAddress address = InetAddress.getByName(base.getHost());
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to load " + base.getHost() + ": only loopback targets are allowed");
        }
    }

    /** Seeds the first fixture chart and returns the request the scenario repeats. */
    private static List<Target> target(HttpClient http, Options options) throws IOException, InterruptedException {
        if (options.scenario().equals("metadata")) {
            return List.of(new Target("GET", "/metadata", ""));
        }
        if (options.scenario().equals("task-due")) {
            return List.of(new Target("GET", TASK_DUE_QUERY, ""));
        }
        if (options.scenario().equals("order-sign")) {
            // The chart travels in the hook's prefetch: nothing is seeded on the server.
            String cds = options.base().toString().replaceFirst("/fhir$", "/cds-services/overturn-order-sign");
            return List.of(new Target("POST", cds, HookRequests.orderSign(Scenarios.ALECTINIB_CA.bundleJson()), "application/json", HOOK_INSTANCE));
        }
        HttpResponse<String> seeded = http.send(
                authorized(HttpRequest.newBuilder(options.base()))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(Scenarios.ALECTINIB_CA.bundleJson()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (seeded.statusCode() != 200) {
            throw new IllegalStateException("seeding the chart failed: HTTP " + seeded.statusCode() + " " + seeded.body());
        }
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        for (JsonNode entry : JSON.readTree(seeded.body()).path("entry")) {
            String[] location = entry.path("response").path("location").asText().split("/");
            ids.putIfAbsent(location[0], location[1]);
        }
        for (String type : List.of("Patient", "Observation", "Coverage", "MedicationRequest", "Practitioner")) {
            if (!ids.containsKey(type)) {
                throw new IllegalStateException("the seeded chart has no " + type);
            }
        }
        String product = "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"1727455\"}],"
                + "\"text\":\"Alecensa (alectinib) 150 mg capsule\"}";
        if (options.scenario().equals("mixed")) {
            return mixed(http, options.base(), ids, options.clients());
        }
        if (options.scenario().equals("soak")) {
            return soak(http, options.base(), ids, options.clients());
        }
        if (options.scenario().equals("fresh-load")) {
            // Load, then query at once: the tables have just grown far past whatever statistics they had.
            for (int i = 1; i < FRESH_LOAD_CHARTS; i++) {
                send(http, options.base(), "POST", "", Scenarios.ALECTINIB_CA.bundleJson(), 200);
            }
            return List.of(new Target("GET", CODE_DATE_QUERY, ""));
        }
        if (options.scenario().equals("update")) {
            return List.of(update(http, options.base(), ids, options.clients()));
        }
        return List.of(switch (options.scenario()) {
            case "read" -> new Target("GET", "/Observation/" + ids.get("Observation"), "");
            case "vread" -> new Target("GET", "/Observation/" + ids.get("Observation") + "/_history/1", "");
            case "search" -> new Target("GET", "/Observation?patient=" + ids.get("Patient") + "&code=http://loinc.org%7C76042-8", "");
            case "search-date" -> new Target("GET", CODE_DATE_QUERY, "");
            case "create" -> new Target("POST", "/Observation", observation(ids));
            case "ingest" -> new Target("POST", "", Scenarios.ALECTINIB_CA.bundleJson());
            case "submit" -> new Target("POST", "/CoverageEligibilityRequest/$submit", "{\"resourceType\":\"CoverageEligibilityRequest\","
                    + "\"status\":\"active\",\"purpose\":[\"auth-requirements\"],\"created\":\"2026-12-01\","
                    + "\"patient\":{\"reference\":\"Patient/" + ids.get("Patient") + "\"},"
                    + "\"insurance\":[{\"coverage\":{\"reference\":\"Coverage/" + ids.get("Coverage") + "\"}}],"
                    + "\"item\":[{\"productOrService\":" + product + "}]}");
            case "letter" -> new Target("POST", "/Claim/" + createClaim(http, options.base(), ids, product) + "/$generate-letter",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"kind\",\"valueCode\":\"medical-necessity\"}]}");
            default -> throw new IllegalStateException(options.scenario());
        });
    }

    /**
     * The mixed traffic: 25% read, 10% vread, 20% patient+code search, 15% code+date search, 15% create, 15% update,
     * as 20 equally likely slots. Creates and updates grow the tables the searches read while they run.
     */
    private static List<Target> mixed(HttpClient http, URI base, java.util.Map<String, String> ids, int clients)
            throws IOException, InterruptedException {
        String observation = observation(ids);
        Target put = update(http, base, ids, clients);
        Target read = new Target("GET", "/Observation/" + ids.get("Observation"), "");
        Target vread = new Target("GET", "/Observation/" + ids.get("Observation") + "/_history/1", "");
        Target patientCode = new Target("GET", "/Observation?patient=" + ids.get("Patient") + "&code=http://loinc.org%7C76042-8", "");
        Target codeDate = new Target("GET", CODE_DATE_QUERY, "");
        Target create = new Target("POST", "/Observation", observation);
        List<Target> slots = new ArrayList<>();
        slots.addAll(java.util.Collections.nCopies(5, read));
        slots.addAll(java.util.Collections.nCopies(2, vread));
        slots.addAll(java.util.Collections.nCopies(4, patientCode));
        slots.addAll(java.util.Collections.nCopies(3, codeDate));
        slots.addAll(java.util.Collections.nCopies(3, create));
        slots.addAll(java.util.Collections.nCopies(3, put));
        return slots;
    }

    /** A biomarker Observation of the seeded patient, as the create and update scenarios write it. */
    private static String observation(java.util.Map<String, String> ids) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"76042-8\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + ids.get("Patient") + "\"},\"effectiveDateTime\":\"2026-11-01\","
                + "\"valueString\":\"" + UPDATE_MARK + "\"}";
    }

    /**
     * Creates an Observation for each client and returns a PUT that each client sends to its own one, its value changed
     * with every request: concurrent updates of one resource would measure version conflicts, not writes.
     */
    private static Target update(HttpClient http, URI base, java.util.Map<String, String> ids, int clients)
            throws IOException, InterruptedException {
        String observation = observation(ids);
        List<String> own = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            own.add(JSON.readTree(send(http, base, "POST", "/Observation", observation, 201)).path("id").asText());
        }
        String body = observation.replace("{\"resourceType\":\"Observation\",", "{\"resourceType\":\"Observation\",\"id\":\"" + OWN + "\",");
        return new Target("PUT", "/Observation/" + OWN, body, "application/fhir+json", UPDATE_MARK, own);
    }

    /**
     * What bench/soak.sh repeats for its duration: the mixed traffic, plus a CDS order-sign with full prefetch and a PAS
     * {@code Claim/$submit} to the sandbox payer (a new request identifier each time), each one slot in 22.
     */
    private static List<Target> soak(HttpClient http, URI base, java.util.Map<String, String> ids, int clients)
            throws IOException, InterruptedException {
        List<Target> slots = new ArrayList<>(mixed(http, base, ids, clients));
        String cds = base.toString().replaceFirst("/fhir$", "/cds-services/overturn-order-sign");
        slots.add(new Target("POST", cds, HookRequests.orderSign(Scenarios.ALECTINIB_CA.bundleJson()), "application/json", HOOK_INSTANCE));
        slots.add(new Target("POST", "/Claim/$submit", Scenarios.ALECTINIB_CA.resource("pas-request.json"), "application/fhir+json",
                PAS_REQUEST_ID));
        return slots;
    }

    private static String send(HttpClient http, URI base, String method, String path, String body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(URI.create(base + path)))
                .timeout(TIMEOUT).header("Content-Type", "application/fhir+json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String createClaim(HttpClient http, URI base, java.util.Map<String, String> ids, String product)
            throws IOException, InterruptedException {
        String claim = "{\"resourceType\":\"Claim\",\"status\":\"active\",\"use\":\"preauthorization\",\"created\":\"2026-12-01\","
                + "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"pharmacy\"}]},"
                + "\"patient\":{\"reference\":\"Patient/" + ids.get("Patient") + "\"},"
                + "\"provider\":{\"reference\":\"Practitioner/" + ids.get("Practitioner") + "\"},"
                + "\"priority\":{\"coding\":[{\"code\":\"normal\"}]},"
                + "\"prescription\":{\"reference\":\"MedicationRequest/" + ids.get("MedicationRequest") + "\"},"
                + "\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"reference\":\"Coverage/" + ids.get("Coverage") + "\"}}],"
                + "\"item\":[{\"sequence\":1,\"productOrService\":" + product + "}]}";
        HttpResponse<String> created = http.send(authorized(HttpRequest.newBuilder(URI.create(base + "/Claim")))
                .timeout(TIMEOUT).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(claim)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating the Claim failed: HTTP " + created.statusCode() + " " + created.body());
        }
        return JSON.readTree(created.body()).path("id").asText();
    }

    /** Sends {@code requests} requests from {@code clients} threads, each drawing one of the targets at random. */
    private static Histogram run(HttpClient http, URI base, List<Target> targets, int clients, int requests) throws Exception {
        Histogram histogram = new Histogram(TIMEOUT.toNanos() / 1000, 3);
        AtomicInteger remaining = new AtomicInteger(requests);
        AtomicInteger failures = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>("");
        List<HttpRequest> fixed = new ArrayList<>();
        for (Target target : targets) {
            fixed.add(target.unique() == null && target.own().isEmpty() ? request(base, target, 0) : null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    Histogram mine = new Histogram(TIMEOUT.toNanos() / 1000, 3);
                    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                    while (remaining.getAndDecrement() > 0) {
                        int k = targets.size() == 1 ? 0 : random.nextInt(targets.size());
                        HttpRequest request = fixed.get(k) != null ? fixed.get(k) : request(base, targets.get(k), client);
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        mine.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        if (response.statusCode() != 200 && response.statusCode() != 201) {
                            if (failures.incrementAndGet() == 1) {
                                String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
                                firstFailure.set(request.method() + " " + request.uri().getPath() + ": HTTP " + response.statusCode()
                                        + " " + body.substring(0, Math.min(300, body.length())));
                            }
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
            throw new IllegalStateException(failures.get() + " requests did not answer 200 or 201; the first: " + firstFailure.get());
        }
        return histogram;
    }

    private static HttpRequest request(URI base, Target target, int client) {
        String own = target.own().isEmpty() ? "" : target.own().get(client % target.own().size());
        String path = target.path().replace(OWN, own);
        String body = target.body().replace(OWN, own);
        if (target.unique() != null) {
            body = body.replace(target.unique(), target.unique().equals(HOOK_INSTANCE)
                    ? "\"hookInstance\":\"" + java.util.UUID.randomUUID() + "\"" : java.util.UUID.randomUUID().toString());
        }
        // The token is the FHIR API's; a CDS Hooks call (an absolute URL outside the base) carries the hook's own JWT.
        HttpRequest.Builder builder = path.startsWith("http") ? HttpRequest.newBuilder(URI.create(path))
                : authorized(HttpRequest.newBuilder(URI.create(base + path)));
        return builder
                .timeout(TIMEOUT)
                .header("Accept", target.contentType())
                .header("Content-Type", target.contentType())
                .method(target.method(), body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
