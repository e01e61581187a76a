package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.BoundedExchange;
import org.overturn.platform.HostAllowList;
import org.jspecify.annotations.Nullable;

/**
 * Reads what a hook's prefetch lacks from the EHR's {@code fhirServer}: only allow-listed hosts, all queries in
 * parallel, each bounded by a timeout and all by one deadline, answers cached briefly per caller and query. A query
 * that fails is reported, never fatal: the hook still answers with what it has. So is an answer of another type than
 * the query asked for (an OperationOutcome with 200, Observations for a Coverage search): it is left out and reported.
 */
final class EhrClient implements AutoCloseable {
    /** What came back: resources per prefetch key, and a line per key that could not be read. */
    record Result(Map<String, List<IBaseResource>> resources, Map<String, String> problems) {}

    private final FhirContext ctx;
    private final CdsProperties.Ehr settings;
    private final HostAllowList allowList;
    private final HttpClient http;
    private final ExecutorService pool;
    private final Cache<String, List<byte[]>> cache;

    EhrClient(FhirContext ctx, CdsProperties properties) {
        this.ctx = ctx;
        this.settings = properties.ehr();
        this.allowList = new HostAllowList(settings.allowedHosts(), properties.developmentMode(), "fhirServer",
                "overturn.cds.ehr.allowed-hosts");
        AtomicInteger n = new AtomicInteger();
        // Bounded: a burst of hook calls queues here instead of opening unbounded connections to the EHR.
        this.pool = new ThreadPoolExecutor(32, 32, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ehr-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.cache = Caffeine.newBuilder().expireAfterWrite(settings.cacheTtl()).maximumSize(10_000).build();
    }

    HostAllowList allowList() {
        return allowList;
    }

    /**
     * Runs {@code queries} (prefetch key → query relative to {@code fhirServer}) against the EHR with the bearer
     * token; {@code cacheScope} separates callers in the cache. The host must have passed {@link HostAllowList}.
     */
    Result fetch(URI fhirServer, @Nullable String bearer, Map<String, String> queries, String cacheScope) {
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        Map<String, Future<Answer>> running = new LinkedHashMap<>();
        queries.forEach((key, query) -> running.put(key, pool.submit(() -> readAll(fhirServer, bearer, query, cacheScope))));
        Map<String, List<IBaseResource>> resources = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Answer>> e : running.entrySet()) {
            try {
                Answer answer = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                resources.put(e.getKey(), answer.resources());
                if (answer.unexpected() != null) {
                    problems.put(e.getKey(), answer.unexpected());
                }
            } catch (TimeoutException te) {
                e.getValue().cancel(true);
                problems.put(e.getKey(), "the EHR did not answer within " + settings.deadline().toMillis() + " ms");
            } catch (ExecutionException ee) {
                problems.put(e.getKey(), ee.getCause() instanceof EhrProblem p ? p.getMessage() : "the EHR query failed");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                problems.put(e.getKey(), "interrupted");
            }
        }
        return new Result(resources, problems);
    }

    /** What one query's answer holds of the type it asked for, and a line on anything else it held (left out). */
    private record Answer(List<IBaseResource> resources, @Nullable String unexpected) {}

    private Answer readAll(URI fhirServer, @Nullable String bearer, String query, String cacheScope) {
        String base = fhirServer.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/" + escapeIllegal(query));
        String cacheKey = cacheScope + " " + uri;
        List<byte[]> pages = cache.getIfPresent(cacheKey);
        if (pages == null) {
            pages = new ArrayList<>();
            URI next = uri;
            while (next != null && pages.size() < settings.maxPages()) {
                byte[] body = get(next, bearer);
                pages.add(body);
                next = nextPage(parse(body), fhirServer);
            }
            cache.put(cacheKey, List.copyOf(pages));
        }
        String asked = askedType(query);
        Set<String> expected = expectedTypes(asked, query);
        List<IBaseResource> out = new ArrayList<>();
        Map<String, Integer> unexpected = new TreeMap<>();
        for (byte[] page : pages) {
            IBaseResource parsed = parse(page);
            if (parsed instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent en : bundle.getEntry()) {
                    if (!en.hasResource() || en.getResource() instanceof OperationOutcome) {
                        continue; // a search's outcome entry (warnings, search.mode outcome), not chart data
                    }
                    if (expected.contains(en.getResource().fhirType())) {
                        out.add(en.getResource());
                    } else {
                        unexpected.merge(en.getResource().fhirType(), 1, Integer::sum);
                    }
                }
            } else if (parsed.fhirType().equals(asked)) {
                out.add(parsed);
            } else {
                unexpected.merge(describe(parsed), 1, Integer::sum);
            }
        }
        return new Answer(out, unexpected.isEmpty() ? null : unexpected(unexpected, asked, out.size()));
    }

    /** The resource type a query asks for: its first path segment ({@code Patient/1}, {@code Coverage?patient=1}). */
    static String askedType(String query) {
        String path = query.replaceFirst("^/+", "");
        int end = path.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return path.substring(0, end);
    }

    /**
     * The types an answer to {@code query} may hold: the type asked for, and those its {@code _include}s reach (the
     * target type named, or every target of the search parameter) and its {@code _revinclude}s come from.
     */
    private Set<String> expectedTypes(String asked, String query) {
        Set<String> types = new HashSet<>(Set.of(asked));
        int q = query.indexOf('?');
        for (String pair : q < 0 ? new String[0] : query.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String[] value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8).split(":");
            if (name.startsWith("_revinclude")) {
                types.add(value[0]);
            } else if (name.startsWith("_include") && value.length >= 3) {
                types.add(value[2]);
            } else if (name.startsWith("_include") && value.length == 2) {
                try {
                    RuntimeSearchParam param = ctx.getResourceDefinition(value[0]).getSearchParam(value[1]);
                    if (param != null) {
                        types.addAll(param.getTargets());
                    }
                } catch (RuntimeException unknownType) {
                    // an _include of a type R4 does not know reaches nothing
                }
            }
        }
        return types;
    }

    /**
     * The EHR answered something else than it was asked for (an OperationOutcome with 200, a Bundle of another type):
     * said in the card, so that a criterion left without evidence is not mistaken for one the chart was checked for.
     */
    private static String unexpected(Map<String, Integer> others, String asked, int kept) {
        StringBuilder what = new StringBuilder();
        others.forEach((type, n) -> what.append(what.length() == 0 ? "" : ", ").append(n == 1 ? type : n + " " + type));
        return "the EHR answered something unexpected: " + what + " where " + asked + " was asked for"
                + (kept == 0 ? "" : " (left out; the " + kept + " " + asked + " in its answer were read)");
    }

    /** A resource named for the card; an OperationOutcome also by its first issue's code, never its free text. */
    private static String describe(IBaseResource resource) {
        if (resource instanceof OperationOutcome outcome && outcome.hasIssue() && outcome.getIssueFirstRep().hasCode()) {
            return "OperationOutcome (issue " + outcome.getIssueFirstRep().getCode().toCode() + ")";
        }
        return resource.fhirType();
    }

    /** Prefetch templates hold FHIR's unencoded '|' and the like; URIs need them percent-encoded. */
    static String escapeIllegal(String query) {
        StringBuilder out = new StringBuilder();
        for (byte b : query.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean legal = b > 0 && (Character.isLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".indexOf(c) >= 0);
            out.append(legal ? String.valueOf(c) : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    private byte[] get(URI uri, @Nullable String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/fhir+json")
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            // Bounded as a whole: an EHR that never ends its body would otherwise keep this pool's thread for good.
            long max = settings.maxResponseSize().toBytes();
            BoundedExchange.Answer response = BoundedExchange.send(http, request, settings.requestTimeout(), max);
            if (response.status() == 401 || response.status() == 403) {
                throw new EhrProblem("the EHR refused the access token (HTTP " + response.status() + ")");
            }
            if (response.status() != 200) {
                throw new EhrProblem("the EHR answered HTTP " + response.status());
            }
            if (response.body().length > max) {
                throw new EhrProblem("the EHR's answer is larger than " + settings.maxResponseSize());
            }
            return response.body();
        } catch (HttpTimeoutException e) {
            throw new EhrProblem("the EHR did not answer within " + settings.requestTimeout().toMillis() + " ms");
        } catch (IOException e) {
            throw new EhrProblem("the EHR could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrProblem("interrupted");
        }
    }

    private IBaseResource parse(byte[] body) {
        try {
            return ctx.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false))
                    .parseResource(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (DataFormatException | ClassCastException e) {
            throw new EhrProblem("the EHR answered something that is not FHIR R4 JSON");
        }
    }

    /** The next page, only on the same scheme, host and port as fhirServer: a Bundle link cannot send us elsewhere. */
    private static @Nullable URI nextPage(IBaseResource page, URI fhirServer) {
        if (!(page instanceof Bundle bundle) || bundle.getLink("next") == null) {
            return null;
        }
        URI next = URI.create(bundle.getLink("next").getUrl());
        boolean sameOrigin = fhirServer.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme()))
                && fhirServer.getHost().toLowerCase(Locale.ROOT).equals(String.valueOf(next.getHost()).toLowerCase(Locale.ROOT))
                && fhirServer.getPort() == next.getPort();
        return sameOrigin ? next : null;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** A query that could not be answered, with the reason in words a clinician's IT team can act on. */
    static final class EhrProblem extends RuntimeException {
        EhrProblem(String message) {
            super(message, null, false, false);
        }
    }
}
