package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Malformed input never breaks the server: bodies of the FHIR endpoints, the operations and CDS Hooks, mutated from
 * valid ones (values replaced by jqwik-generated strings with unicode edge cases and huge lengths, deep nesting, wrong
 * types, truncation, stray bytes, invalid references), and search queries with broken percent-encoding, prefixes and
 * modifiers. Invariants: no 5xx, an answer within 10 s, and no Observation stored from a refused create. Which target
 * and which mutation follow a fixed seed; the values come from jqwik, and a failure names the request it sent; {@code -Doverturn.fuzz.requests=100000} runs the long
 * version (1,500 requests by default, so that {@code ./mvnw verify} stays quick).
 */
class FuzzIT extends ServerTest {
    private static final int REQUESTS = Integer.getInteger("overturn.fuzz.requests", 1500);
    private static final long SEED = Long.getLong("overturn.fuzz.seed", 20261205L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-fuzz-it-")::toString);
        // The invariant counts Observations before and after each create; past max-total a count has no total, so a
        // long run (100,000 requests store more than 10,000) raises it.
        registry.add("overturn.store.max-total", () -> "10000000");
    }

    /** A value a client might send where a string belongs: unicode edge cases, controls, huge, empty, markup. */
    private static final Arbitrary<String> NASTY = Arbitraries.oneOf(
            Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40),
            Arbitraries.strings().withChars('\u0000', '\u001f', '\u007f', '\u2028', '\ufeff', '\ud800', '\udfff', '"', '\\')
                    .ofMinLength(1).ofMaxLength(20),
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(10_000).ofMaxLength(120_000),
            Arbitraries.of("", " ", "null", "-0", "1e400", "NaN", "../../etc/passwd", "Patient/../x", "urn:uuid:",
                    "urn:uuid:not-a-uuid", "https://other.example/fhir/Patient/1", "Patient/", "#", "%00", "\uD83D\uDE00",
                    "<script>alert(1)</script>", "2026-02-30", "9999-99-99T99:99:99Z", "ge2026", "Ω≈ç√∫"));

    private record Target(String method, String path, String contentType, String seed) {}

    @Test
    void malformedRequestsWhenSentInBulkThenNo5xxNoHangAndNothingStoredFromARefusal() throws Exception {
        List<Target> targets = targets();
        Random random = new Random(SEED);
        // jqwik draws the values (its own randomness, outside a property); the choices of target and mutation follow
        // the seed. A failure's message carries the request itself.
        java.util.Iterator<String> nasty = NASTY.sampleStream().iterator();
        int refusedCreates = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < REQUESTS; n++) {
            Target t = targets.get(random.nextInt(targets.size()));
            String body;
            String path = t.path();
            if (t.method().equals("GET")) {
                path = path + "?" + query(random, nasty::next);
                body = null;
            } else {
                body = mutate(t.seed(), random, nasty::next);
            }
            // An Observation create is counted around (the client is sequential): one stored if it answered 201,
            // none if it was refused.
            boolean create = t.method().equals("POST") && t.path().endsWith("/fhir/Observation");
            int before = create ? observationCount() : 0;
            int status;
            try {
                status = send(t.method(), path, t.contentType(), body);
            } catch (java.net.http.HttpTimeoutException e) {
                failures.add("no answer within 10 s: " + t.method() + " " + path + " " + abbreviate(body));
                continue;
            }
            statuses.merge(status, 1, Integer::sum);
            if (status >= 500 || status < 100) {
                failures.add(status + ": " + t.method() + " " + abbreviate(path) + " " + abbreviate(body));
            }
            if (create) {
                int stored = observationCount() - before;
                if (stored != (status == 201 ? 1 : 0)) {
                    failures.add(status + " but " + stored + " Observations stored: " + abbreviate(body));
                }
                refusedCreates += status >= 400 ? 1 : 0;
            }
        }
        System.out.println("Fuzzed " + REQUESTS + " requests (seed " + SEED + "), answers by status: " + statuses
                + "; refused Observation creates checked to have stored nothing: " + refusedCreates);
        assertThat(failures).as("5xx, no answer, or a refused create that stored something").isEmpty();
        assertThat(refusedCreates).as("the invariant was exercised").isPositive();
    }

    private List<Target> targets() {
        String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                + "\"http://loinc.org\",\"code\":\"78046-7\",\"display\":\"ALK gene rearrangement\"}],\"text\":\"ALK\"},"
                + "\"subject\":{\"reference\":\"Patient/fuzz-p1\"},\"effectiveDateTime\":\"2026-03-01\","
                + "\"valueCodeableConcept\":{\"text\":\"positive\"},\"component\":[{\"code\":{\"text\":\"score\"},"
                + "\"valueQuantity\":{\"value\":87,\"unit\":\"%\",\"comparator\":\"<\"}}]}";
        String chart = Scenarios.ALECTINIB_CA.bundleJson();
        String pas = PasBundles.json(PasBundles.request(chart, "FUZZ-MEMBER-1", "fuzz-request-1"));
        String hook = Scenarios.ALECTINIB_CA.resource("hooks/order-sign.json");
        String xml = "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"Fuzz\"/></name>"
                + "<birthDate value=\"1970-01-01\"/></Patient>";
        String json = "application/fhir+json";
        String root = "http://localhost:" + port;
        return List.of(
                new Target("POST", "/fhir/Observation", json, observation),
                new Target("POST", "/fhir/Patient", "application/fhir+xml", xml),
                new Target("POST", "/fhir", json, chart),
                new Target("POST", "/fhir/Claim/$submit", json, pas),
                new Target("POST", "/fhir/CoverageEligibilityRequest/$submit", json, observation),
                new Target("POST", "/fhir/Observation/$validate", json, observation),
                new Target("POST", "/cds-services/overturn-order-sign", "application/json", hook),
                new Target("GET", "/fhir/Observation", null, null),
                new Target("GET", "/fhir/Task", null, null),
                new Target("GET", "/fhir/Patient", null, null))
                .stream().map(t -> new Target(t.method(), root + t.path(), t.contentType(), t.seed())).toList();
    }

    /** One mutation of a valid body, chosen at random. */
    private static String mutate(String seed, Random random, java.util.function.Supplier<String> nasty) {
        int kind = random.nextInt(8);
        return switch (kind) {
            case 0 -> replaceAStringValue(seed, random, v -> "\"" + jsonEscape(nasty.get()) + "\"");
            case 1 -> replaceAStringValue(seed, random, v -> "[".repeat(depth(random)) + v + "]".repeat(depth(random)));
            case 2 -> replaceAStringValue(seed, random, v -> List.of("123", "true", "null", "{}", "[]", "{\"x\":1}", "-1e999")
                    .get(random.nextInt(7)));
            case 3 -> seed.substring(0, random.nextInt(Math.max(1, seed.length())));
            case 4 -> {
                StringBuilder b = new StringBuilder(seed);
                for (int i = 0; i < 1 + random.nextInt(5); i++) {
                    b.insert(random.nextInt(b.length()), List.of("{", "}", "\"", ",", ":", "\\u0000", "\u0000", "\uffff").get(random.nextInt(8)));
                }
                yield b.toString();
            }
            case 5 -> "{".repeat(depth(random)) + "\"a\":" + "[".repeat(depth(random)) + "1" + "]".repeat(depth(random))
                    + "}".repeat(depth(random));
            case 6 -> replaceAStringValue(seed, random, v -> "\"" + List.of("Patient/../../x", "urn:uuid:00000000-0000",
                    "Claim/does-not-exist", "https://other.example/fhir/Patient/fuzz-p1", "#missing", "Patient/" + "9".repeat(5000))
                    .get(random.nextInt(6)) + "\"");
            default -> seed.replaceFirst("\\{", "{\"resourceType\":\"Observation\",") ; // a duplicate key
        };
    }

    /** Nesting deep enough to hurt a recursive parser (up to 5,000 levels). */
    private static int depth(Random random) {
        return List.of(2, 50, 200, 1000, 5000).get(random.nextInt(5));
    }

    /** Replaces the n-th JSON string value (not a key) of the body with what {@code by} makes of it. */
    private static String replaceAStringValue(String json, Random random, Function<String, String> by) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":\\s*(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(json);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(1), m.end(1)});
        }
        if (spans.isEmpty()) {
            return json;
        }
        int[] s = spans.get(random.nextInt(spans.size()));
        return json.substring(0, s[0]) + by.apply(json.substring(s[0], s[1])) + json.substring(s[1]);
    }

    /** A search query: known and unknown parameters, modifiers and prefixes, values broken in every way. */
    private static String query(Random random, java.util.function.Supplier<String> nasty) {
        List<String> names = List.of("patient", "code", "date", "_count", "_sort", "_include", "_revinclude", "status",
                "subject:Patient.name", "value-quantity", "_lastUpdated", "identifier", "_has:Observation:patient:code",
                "unknown-param", "code:text", "date:missing", "_total", "_elements", "_summary", "name:exact", "_id");
        List<String> values = List.of("ge2026-01-01", "lt", "http://loinc.org|78046-7", "%", "%zz", "%C3%28", "%FF%FE",
                "-1", "999999999999", "Patient/x,Patient/y", "*", "Observation:subject:Patient", "accurate", "ap5.4|x|y",
                "eq2026-13-45", "gt9999", "sa", "true", "count");
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            String name = names.get(random.nextInt(names.size()));
            String value = random.nextInt(3) == 0
                    ? java.net.URLEncoder.encode(nasty.get(), StandardCharsets.UTF_8)
                    : values.get(random.nextInt(values.size()));
            q.append(i > 0 ? "&" : "").append(name).append('=').append(value.length() > 6000 ? value.substring(0, 6000) : value);
        }
        return q.toString();
    }

    private int send(String method, String url, String contentType, String body) throws Exception {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            return 400; // a URI the client itself cannot send is not a request the server sees
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int observationCount() {
        JsonNode count = get("Observation?_summary=count").json();
        assertThat(count.has("total")).as("the count of Observations has a total: %s", count).isTrue();
        return count.path("total").asInt();
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
    }
}
