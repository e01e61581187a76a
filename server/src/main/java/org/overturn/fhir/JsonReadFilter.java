package org.overturn.fhir;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredJson;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The plain read ({@code GET /fhir/Type/id}, JSON, no parameters, no conditional headers) answered with the JSON the
 * store holds, which HAPI encoded when the version was written: parsing it into a resource only for HAPI to encode it
 * again was most of a read's cost. Everything else, including unknown and deleted resources, goes on to HAPI, so
 * errors and every other form of read answer exactly as before; {@code JsonReadContract} compares the two.
 */
final class JsonReadFilter extends OncePerRequestFilter {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    static final String CONTENT_TYPE = "application/fhir+json;charset=utf-8";

    private final ResourceStore store;

    JsonReadFilter(ResourceStore store) {
        this.store = store;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        StoredJson stored = plainRead(request);
        if (stored == null) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = stored.content().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("ETag", "W/\"" + stored.version() + "\"");
        response.setDateHeader("Last-Modified", stored.lastUpdated().toEpochMilli());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The stored JSON when the request is a plain JSON read of a current resource, else null. */
    private StoredJson plainRead(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || request.getQueryString() != null
                || request.getHeader("If-None-Match") != null || request.getHeader("If-Modified-Since") != null
                || !acceptsJson(request.getHeader("Accept"))) {
            return null;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith("/fhir/")) {
            return null;
        }
        String[] parts = path.substring("/fhir/".length()).split("/", -1);
        if (parts.length != 2 || !TYPE.matcher(parts[0]).matches() || !ID.matcher(parts[1]).matches()
                || !store.supports(parts[0])) {
            return null;
        }
        return store.readJson(parts[0], parts[1]);
    }

    /** No Accept, any type, or a JSON type and neither XML nor HTML (HAPI's choice for those is left to HAPI). */
    private static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank() || accept.trim().equals("*/*")) {
            return true;
        }
        String a = accept.toLowerCase(java.util.Locale.ROOT);
        return a.contains("json") && !a.contains("xml") && !a.contains("html");
    }
}
