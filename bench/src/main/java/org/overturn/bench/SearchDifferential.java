package org.overturn.bench;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The search differential: the same resources, PUT with the same ids into Overturn and into the HAPI JPA baseline,
 * then the same queries asked of both, answer by answer. Compared: the ids matched over all pages (in order when the
 * query sorts), {@code total} when {@code _total=accurate} is asked, and the resources included. A query either server
 * refuses with a 4xx is reported apart; every other difference must be one of {@code search-diff/known-differences.txt},
 * where the FHIR specification was read and the baseline departs from it, or the run fails.
 *
 * <p>{@code java -Dloader.main=org.overturn.bench.SearchDifferential -jar bench/target/overturn-bench.jar
 * --overturn URL --hapi URL --out FILE}; bench/search-diff.sh starts both servers and stops them.
 */
public final class SearchDifferential {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Pages followed per query: the data set is small, a longer chain means a paging loop. */
    private static final int MAX_PAGES = 60;
    /** Loading passes: HAPI refuses a reference to a resource it does not hold yet, so the rest waits a pass. */
    private static final int LOAD_PASSES = 4;
    /** Matches listed in full in the report; longer answers are shown by what the other server lacks. */
    private static final int LISTED = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI overturn;
    private final URI hapi;

    private SearchDifferential(URI overturn, URI hapi) {
        this.overturn = overturn;
        this.hapi = hapi;
    }

    /** One server's answer to one query, all pages. */
    record Answer(int status, List<String> matches, Set<String> included, @Nullable Integer total, @Nullable String error,
            boolean duplicates) {
        boolean refused() {
            return status >= 400 && status < 500;
        }
    }

    record Outcome(String query, String verdict, Shown overturn, Shown hapi, @Nullable String reason) {}

    /**
     * An answer as the report keeps it: an agreement by its counts; a difference with its ids, or, past
     * {@link #LISTED} matches, with the ids the other server did not answer.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Shown(int status, int count, @Nullable List<String> matches, @Nullable List<String> notInTheOtherAnswer,
            @Nullable Set<String> included, @Nullable Integer total, @Nullable String error, @Nullable Boolean samePageTwice) {
        static Shown of(Answer a, Answer other, boolean detailed) {
            List<String> missing = a.matches().stream().filter(id -> !other.matches().contains(id)).toList();
            boolean listed = detailed && a.matches().size() <= LISTED;
            return new Shown(a.status(), a.matches().size(), listed ? a.matches() : null,
                    detailed && !listed ? missing : null, detailed || !a.included().isEmpty() ? a.included() : null,
                    a.total(), a.error(), a.duplicates() ? true : null);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        URI overturn = URI.create(required(options, "overturn"));
        URI hapi = URI.create(required(options, "hapi"));
        LoadDriver.requireLoopback(overturn);
        LoadDriver.requireLoopback(hapi);
        SearchDifferential differential = new SearchDifferential(overturn, hapi);

        ObjectNode report = JSON.createObjectNode();
        report.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        report.set("data", differential.load(DifferentialData.resources()));
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, String> known = knownDifferences();
        for (String query : queries()) {
            outcomes.add(differential.compare(query, known));
        }
        report.set("figures", figures(outcomes));
        report.set("outcomes", JSON.valueToTree(outcomes));
        Path out = Path.of(required(options, "out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        print(outcomes, report);
        System.out.println("written: " + out);
        long unexplained = outcomes.stream().filter(o -> o.verdict().equals("differ")).count();
        if (unexplained > 0) {
            System.exit(1);
        }
    }

    /** PUTs every resource into the baseline first (the stricter of the two), then into Overturn. */
    private ObjectNode load(List<ObjectNode> resources) throws IOException, InterruptedException {
        List<ObjectNode> pending = resources;
        ArrayNode refused = JSON.createArrayNode();
        int loaded = 0;
        for (int pass = 0; pass < LOAD_PASSES && !pending.isEmpty(); pass++) {
            List<ObjectNode> later = new ArrayList<>();
            for (ObjectNode resource : pending) {
                String path = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
                HttpResponse<String> baseline = put(hapi, path, resource);
                if (baseline.statusCode() / 100 != 2) {
                    boolean missingTarget = baseline.body().contains("HAPI-1094");
                    if (missingTarget && pass + 1 < LOAD_PASSES) {
                        later.add(resource);
                    } else {
                        refused.add(refusal(path, "hapi", baseline));
                    }
                    continue;
                }
                HttpResponse<String> ours = put(overturn, path, resource);
                if (ours.statusCode() / 100 != 2) {
                    refused.add(refusal(path, "overturn", ours));
                    send(hapi, "DELETE", path, null); // held by one server only, it would make every query differ
                    continue;
                }
                loaded++;
            }
            pending = later;
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("resources", resources.size());
        data.put("loaded", loaded);
        data.set("refused", refused);
        System.err.printf("loaded %d of %d resources into both servers%n", loaded, resources.size());
        return data;
    }

    private static ObjectNode refusal(String path, String server, HttpResponse<String> response) {
        ObjectNode r = JSON.createObjectNode();
        r.put("resource", path);
        r.put("refusedBy", server);
        r.put("status", response.statusCode());
        r.put("why", diagnostics(response.body()));
        return r;
    }

    /**
     * {@code query}, or {@code query == reference | reference ...}: Overturn answers the query, the baseline the union
     * of the references. The form compares what HAPI JPA does not serve itself (a compartment search,
     * {@code Patient/p1/Observation}) with the searches the spec defines it by (one per compartment parameter).
     */
    private Outcome compare(String line, Map<String, String> known) throws IOException, InterruptedException {
        String[] sides = line.split(" == ", 2);
        String query = sides[0].strip();
        Answer ours = ask(overturn, query);
        String[] references = sides.length == 1 ? new String[] {query} : sides[1].split(" \\| ");
        Answer theirs = ask(hapi, references[0].strip());
        for (int i = 1; i < references.length; i++) {
            theirs = union(theirs, ask(hapi, references[i].strip()));
        }
        String verdict;
        if (ours.refused()) {
            verdict = "overturn-refused";
        } else if (theirs.refused()) {
            verdict = "baseline-refused";
        } else if (same(query, ours, theirs)) {
            verdict = "agree";
        } else {
            verdict = known.containsKey(line) ? "known-difference" : "differ";
        }
        boolean detailed = !verdict.equals("agree");
        return new Outcome(line, verdict, Shown.of(ours, theirs, detailed), Shown.of(theirs, ours, detailed),
                known.getOrDefault(line, null));
    }

    /** Both answers' matches once each, as one answer; the first refusal or error stands for the whole. */
    static Answer union(Answer a, Answer b) {
        if (a.status() != 200) {
            return a;
        }
        if (b.status() != 200) {
            return b;
        }
        Set<String> matches = new TreeSet<>(a.matches());
        matches.addAll(b.matches());
        Set<String> included = new TreeSet<>(a.included());
        included.addAll(b.included());
        Integer total = a.total() == null || b.total() == null ? null : matches.size();
        return new Answer(200, List.copyOf(matches), included, total, null, a.duplicates() || b.duplicates());
    }

    static boolean same(String query, Answer a, Answer b) {
        if (a.status() != b.status() || a.duplicates() || b.duplicates()) {
            return false;
        }
        boolean sorted = parameters(query).stream().anyMatch(p -> p[0].equals("_sort"));
        boolean matches = sorted ? a.matches().equals(b.matches()) : new TreeSet<>(a.matches()).equals(new TreeSet<>(b.matches()));
        boolean totalAsked = parameters(query).stream().anyMatch(p -> p[0].equals("_total") && p[1].equals("accurate"));
        boolean totals = !totalAsked || Objects.equals(a.total(), b.total());
        return matches && totals && a.included().equals(b.included());
    }

    /** Asks one server, following its next links. */
    private Answer ask(URI base, String query) throws IOException, InterruptedException {
        URI next = URI.create(base + "/" + encode(query, base));
        List<String> matches = new ArrayList<>();
        Set<String> included = new TreeSet<>();
        Integer total = null;
        String path = query.substring(0, query.indexOf('?'));
        String type = path.substring(path.lastIndexOf('/') + 1); // Observation, also of Patient/p1/Observation
        for (int page = 0; next != null && page < MAX_PAGES; page++) {
            LoadDriver.requireLoopback(next);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(next).timeout(TIMEOUT)
                    .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Answer(response.statusCode(), matches, included, total, diagnostics(response.body()), false);
            }
            JsonNode bundle = JSON.readTree(response.body());
            if (page == 0 && bundle.has("total")) {
                total = bundle.get("total").asInt();
            }
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode resource = entry.path("resource");
                String id = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
                String mode = entry.path("search").path("mode").asText("");
                if (mode.equals("include") || (mode.isEmpty() && !resource.path("resourceType").asText().equals(type))) {
                    included.add(id);
                } else if (!mode.equals("outcome")) {
                    matches.add(id);
                }
            }
            next = null;
            for (JsonNode link : bundle.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    // Overturn keeps '|' readable in its links, as FHIR's examples write it; java.net.URI wants it escaped.
                    next = URI.create(link.path("url").asText().replace("|", "%7C"));
                }
            }
        }
        if (next != null) {
            return new Answer(0, matches, included, total, "more than " + MAX_PAGES + " pages", false);
        }
        boolean duplicates = new LinkedHashSet<>(matches).size() != matches.size();
        return new Answer(200, matches, included, total, null, duplicates);
    }

    /** {@code Type?name=value&...} with each value percent-encoded and {base} made this server's base. */
    static String encode(String query, URI base) {
        StringBuilder out = new StringBuilder(query.substring(0, query.indexOf('?') + 1));
        for (String[] p : parameters(query)) {
            if (out.charAt(out.length() - 1) != '?') {
                out.append('&');
            }
            out.append(p[0]).append('=')
                    .append(URLEncoder.encode(p[1].replace("{base}", base.toString()), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    static List<String[]> parameters(String query) {
        List<String[]> out = new ArrayList<>();
        for (String pair : query.substring(query.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.add(eq < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
        }
        return out;
    }

    private HttpResponse<String> put(URI base, String path, ObjectNode resource) throws IOException, InterruptedException {
        return send(base, "PUT", path, JSON.writeValueAsString(resource));
    }

    private HttpResponse<String> send(URI base, String method, String path, @Nullable String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + path)).timeout(TIMEOUT)
                .header("Accept", "application/fhir+json").header("Content-Type", "application/fhir+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String diagnostics(String body) {
        try {
            StringBuilder out = new StringBuilder();
            for (JsonNode issue : JSON.readTree(body).path("issue")) {
                out.append(out.isEmpty() ? "" : "; ").append(issue.path("diagnostics").asText(issue.path("details").path("text").asText()));
            }
            return out.toString();
        } catch (IOException notJson) {
            return body.length() > 300 ? body.substring(0, 300) : body;
        }
    }

    static List<String> queries() {
        return lines("search-diff/queries.txt");
    }

    /** {@code query<TAB>reason}: differences read against the specification, where the baseline departs from it. */
    static Map<String, String> knownDifferences() {
        Map<String, String> known = new LinkedHashMap<>();
        for (String line : lines("search-diff/known-differences.txt")) {
            int tab = line.indexOf('\t');
            known.put(line.substring(0, tab).strip(), line.substring(tab + 1).strip());
        }
        return known;
    }

    private static List<String> lines(String path) {
        return DifferentialData.resourceText(path).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static ObjectNode figures(List<Outcome> outcomes) {
        ObjectNode f = JSON.createObjectNode();
        f.put("queries", outcomes.size());
        for (String verdict : List.of("agree", "known-difference", "differ", "overturn-refused", "baseline-refused")) {
            f.put(verdict, outcomes.stream().filter(o -> o.verdict().equals(verdict)).count());
        }
        return f;
    }

    private static void print(List<Outcome> outcomes, ObjectNode report) {
        for (Outcome o : outcomes) {
            if (o.verdict().equals("agree")) {
                continue;
            }
            System.out.println(o.verdict() + ": " + o.query() + (o.reason() == null ? "" : "   [" + o.reason() + "]"));
            System.out.println("  overturn: " + describe(o.overturn()));
            System.out.println("  hapi:     " + describe(o.hapi()));
        }
        System.out.println("refused on loading: " + report.path("data").path("refused"));
        System.out.println("figures: " + report.path("figures"));
    }

    private static String describe(Shown a) {
        if (a.status() != 200) {
            return a.status() + " " + a.error();
        }
        StringBuilder s = new StringBuilder(a.count() + " matches");
        if (a.matches() != null) {
            s.append(" ").append(a.matches());
        } else {
            List<String> only = a.notInTheOtherAnswer() == null ? List.of() : a.notInTheOtherAnswer();
            s.append(", not in the other answer: ").append(only.size() > LISTED ? only.subList(0, LISTED) + "..." : only);
        }
        if (a.total() != null) {
            s.append(", total ").append(a.total());
        }
        if (a.included() != null && !a.included().isEmpty()) {
            s.append(", included ").append(a.included());
        }
        if (a.samePageTwice() != null) {
            s.append(", the same resource on two pages");
        }
        return s.toString();
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name + " (usage: --overturn URL --hapi URL --out FILE)");
        }
        return value;
    }
}
