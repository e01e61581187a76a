package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
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
import java.util.Set;
import java.nio.charset.StandardCharsets;
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
    private final AnswerTypes types;
    private final CdsProperties.Ehr settings;
    private final HostAllowList allowList;
    private final HttpClient http;
    private final ExecutorService pool;
    private final Cache<String, List<byte[]>> cache;

    EhrClient(FhirContext ctx, CdsProperties properties) {
        this.ctx = ctx;
        this.types = new AnswerTypes(ctx);
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
        Map<String, Future<AnswerTypes.Sorted>> running = new LinkedHashMap<>();
        queries.forEach((key, query) -> running.put(key, pool.submit(() -> readAll(fhirServer, bearer, query, cacheScope))));
        Map<String, List<IBaseResource>> resources = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Map.Entry<String, Future<AnswerTypes.Sorted>> e : running.entrySet()) {
            try {
                AnswerTypes.Sorted answer = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                resources.put(e.getKey(), answer.kept());
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
    private AnswerTypes.Sorted readAll(URI fhirServer, @Nullable String bearer, String query, String cacheScope) {
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
        List<IBaseResource> parsed = new ArrayList<>(pages.size());
        pages.forEach(page -> parsed.add(parse(page)));
        return types.sort(parsed, query, "the EHR answered");
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
