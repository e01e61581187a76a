package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IServerAddressStrategy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.overturn.platform.OverturnException;
import org.overturn.security.AccessContext;
import org.overturn.security.Interaction;
import org.overturn.security.SmartAccess;
import org.overturn.store.Page;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredJson;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Plain JSON reads ({@code GET /fhir/Type/id}), version reads ({@code GET /fhir/Type/id/_history/n}) and searches ({@code GET /fhir/Type?...}) answered with the JSON the
 * store holds, which HAPI encoded when each version was written: parsing it into resources only for HAPI to encode
 * them again was most of the cost of these requests. Only requests HAPI would answer the same way are taken (JSON,
 * no conditional headers, no _format, _pretty, _summary, _elements or _include); everything else, including every
 * error, unknown and deleted resources and searches the store refuses, goes on to HAPI. {@code StoredJsonContract}
 * compares the two answers. It runs after Spring Security's filter chain and answers only callers whose scopes reach
 * every resource of the type; patient-scoped and other callers go on to HAPI, where {@link AccessInterceptor} checks.
 */
final class StoredJsonFilter extends OncePerRequestFilter {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
    /** Parameters that change what HAPI writes; a search with any of them is left to HAPI. */
    private static final Set<String> HAPI_PARAMS = Set.of("_format", "_pretty", "_summary", "_elements", "_include",
            "_revinclude", "_contained", "_containedType", "_bundletype", "_getpages");
    static final String CONTENT_TYPE = "application/fhir+json;charset=utf-8";
    private static final JsonFactory JSON = new JsonFactory();

    private final FhirContext ctx;
    private final ResourceStore store;
    private final IServerAddressStrategy addresses;
    private final AccessContext access;
    private final Clock clock;

    StoredJsonFilter(FhirContext ctx, ResourceStore store, IServerAddressStrategy addresses, AccessContext access, Clock clock) {
        this.ctx = ctx;
        this.store = store;
        this.addresses = addresses;
        this.access = access;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String[] parts = plainGet(request);
        if (parts != null && !reachesAll(parts)) {
            parts = null; // scoped to a compartment, or not allowed at all: HAPI's path checks and answers
        }
        boolean answered = false;
        try {
            if (parts != null && parts.length == 2) {
                answered = read(parts[0], parts[1], request, response);
            } else if (parts != null && parts.length == 4) {
                answered = vread(parts[0], parts[1], Long.parseLong(parts[3]), request, response);
            } else if (parts != null && parts.length == 1) {
                answered = search(parts[0], request, response);
            }
        } catch (OverturnException e) {
            answered = false; // a request the store refuses: HAPI's path says so, as an OperationOutcome
        } catch (RuntimeException e) {
            // The database failed (a timeout, say): answered as HAPI's path would, through the one error mapping.
            ErrorMapper.Mapped mapped = ErrorMapper.map(e, RequestIds.current());
            OutcomeResponses.write(ctx, response, mapped.status(), mapped.outcome());
            return;
        }
        if (!answered) {
            chain.doFilter(request, response);
        }
    }

    /** Only a caller whose scopes reach every resource of the type is answered here. */
    private boolean reachesAll(String[] parts) {
        Interaction interaction = parts.length == 1 ? Interaction.SEARCH : Interaction.READ;
        return access.current().reachesAll(parts[0], interaction);
    }

    private boolean read(String type, String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getQueryString() != null || !ID.matcher(id).matches()) {
            return false;
        }
        return answer(store.readJson(type, id), response);
    }

    private boolean vread(String type, String id, long version, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (request.getQueryString() != null || !ID.matcher(id).matches()) {
            return false;
        }
        return answer(store.vreadJson(type, id, version), response);
    }

    private static boolean answer(@Nullable StoredJson stored, HttpServletResponse response) throws IOException {
        if (stored == null) {
            return false;
        }
        response.setHeader("ETag", "W/\"" + stored.version() + "\"");
        response.setDateHeader("Last-Modified", stored.lastUpdated().toEpochMilli());
        write(response, 200, stored.content().getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private boolean search(String type, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String[]> raw = request.getParameterMap();
        if (!plainJson(raw.keySet(), request.getHeader("Accept"))) {
            return false;
        }
        String base = addresses.determineServerBase(getServletContext(), request);
        SearchRequest parsed = store.parse(type, FhirInteractions.searchParams(base, raw), FhirInteractions.lenient(request.getHeader("Prefer")));
        Page<StoredJson> page = store.searchJson(parsed);
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024 + page.items().size() * 1024);
        try (JsonGenerator json = JSON.createGenerator(body)) {
            SearchBundles.writeJson(json, base, type, raw, parsed, page, clock.instant());
        }
        write(response, 200, body.toByteArray());
        return true;
    }

    /** Writes a JSON answer the server encoded itself, whole and with its length, in FHIR's JSON media type. */
    static void write(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * [type, id, "_history", version], [type, id] or [type] of a GET under /fhir/ that accepts JSON and is not
     * conditional; null for anything else. A history ({@code [type]/_history}: no id has an underscore, or
     * {@code [type]/[id]/_history}) is never taken: HAPI answers it and {@link HistoryBundleInterceptor} completes its
     * entries.
     */
    private String @Nullable [] plainGet(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || request.getHeader("If-None-Match") != null
                || request.getHeader("If-Modified-Since") != null || !acceptsJson(request.getHeader("Accept"))) {
            return null;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith("/fhir/")) {
            return null;
        }
        String[] parts = path.substring("/fhir/".length()).split("/", -1);
        boolean version = parts.length == 4 && parts[2].equals("_history") && VERSION.matcher(parts[3]).matches();
        if ((parts.length > 2 && !version) || !TYPE.matcher(parts[0]).matches() || !store.supports(parts[0])) {
            return null;
        }
        return parts;
    }

    /** Whether HAPI would answer a request with these parameters and this Accept header in JSON, as stored. */
    static boolean plainJson(Set<String> parameters, @Nullable String accept) {
        for (String key : parameters) {
            if (HAPI_PARAMS.contains(key.contains(":") ? key.substring(0, key.indexOf(':')) : key)) {
                return false;
            }
        }
        return acceptsJson(accept);
    }

    /** No Accept, any type, or a JSON type and neither XML nor HTML (HAPI's choice for those is left to HAPI). */
    private static boolean acceptsJson(@Nullable String accept) {
        if (accept == null || accept.isBlank() || accept.trim().equals("*/*")) {
            return true;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains("json") && !a.contains("xml") && !a.contains("html");
    }
}
