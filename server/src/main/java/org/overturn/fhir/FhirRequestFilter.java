package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.ServletRequestTracing;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.LimitedBodyRequest;
import org.overturn.platform.OverturnException;
import org.overturn.platform.Outcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before HAPI on /fhir: gives each request an id (echoed in X-Request-Id), refuses bodies that are too large
 * (413) or not FHIR (415), and writes one structured log line per request.
 */
final class FhirRequestFilter extends OncePerRequestFilter {
    private static final Logger access = LoggerFactory.getLogger("org.overturn.access");

    private static final Set<String> BODY_TYPES = Set.of(
            "application/fhir+json",
            "application/json",
            "application/json+fhir",
            "application/fhir+xml",
            "application/xml",
            "application/xml+fhir",
            "text/xml",
            "application/x-www-form-urlencoded");

    private final FhirContext ctx;
    private final long maxBodyBytes;
    private final MeterRegistry meters;
    private final ClientConcurrency clients;
    private final java.util.concurrent.ConcurrentMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.regex.Pattern FHIR_PREFIX = java.util.regex.Pattern.compile("^/fhir/?");
    private static final java.util.regex.Pattern FIRST_SEGMENT_END = java.util.regex.Pattern.compile("[/?]");

    FhirRequestFilter(FhirContext ctx, long maxBodyBytes, MeterRegistry meters, ClientConcurrency clients) {
        this.ctx = ctx;
        this.maxBodyBytes = maxBodyBytes;
        this.meters = meters;
        this.clients = clients;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = RequestIds.accept(request.getHeader(RequestIds.HEADER));
        MDC.put(RequestIds.MDC_KEY, requestId);
        response.setHeader(RequestIds.HEADER, requestId);
        // HAPI answers with the request id it finds here; without it, it made one of its own and set that in the
        // header, so a caller quoted an id that no log line or AuditEvent carried.
        request.setAttribute(ServletRequestTracing.ATTRIBUTE_REQUEST_ID, requestId);
        long start = System.nanoTime();
        try {
            OverturnException refused = refusal(request);
            if (refused != null) {
                if (refused.code() == ErrorCode.METHOD_NOT_ALLOWED) {
                    response.setHeader("Allow", auditTrail(request) ? AUDIT_TRAIL_ALLOW : ALLOW);
                }
                OutcomeResponses.write(
                        ctx, response, refused.code().httpStatus(), Outcomes.error(refused.code(), refused.getMessage()));
                return;
            }
            String client = ClientConcurrency.clientOf(request);
            if (client != null && !clients.tryEnter(client)) {
                response.setHeader("Retry-After", "1");
                OutcomeResponses.write(ctx, response, ErrorCode.TOO_MANY_REQUESTS.httpStatus(), Outcomes.error(
                        ErrorCode.TOO_MANY_REQUESTS, "This client already has " + clients.limit() + " requests in progress"
                                + " (overturn.fhir.max-concurrent-requests-per-client); wait for one to finish, then retry"));
                return;
            }
            try {
                chain.doFilter(new LimitedBodyRequest(request, maxBodyBytes, this::tooLarge), new FlushAtEndResponse(response));
            } finally {
                if (client != null) {
                    clients.leave(client);
                }
            }
        } finally {
            long nanos = System.nanoTime() - start;
            timer(resourceType(request), request.getMethod(), response.getStatus())
                    .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (access.isInfoEnabled()) {
                // Parameter names only: values (names, identifiers, dates of birth) may be PHI and never go to the log.
                String params = parameterNames(request.getParameterMap().keySet());
                access.info(
                        "request id={} method={} path={}{} status={} duration_ms={}",
                        requestId,
                        request.getMethod(),
                        request.getRequestURI(),
                        params.isEmpty() ? "" : " params=" + params,
                        response.getStatus(),
                        milliseconds(nanos / 1000));
            }
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    /**
     * The request timer of a type, method and status. HAPI's servlet is invisible to Spring MVC's metrics
     * (uri="UNKNOWN"): FHIR requests are timed here. A method HTTP does not define counts as "other", so a client
     * cannot make a meter per made-up method. Kept once made: looking a meter up by its tags on every request
     * cost more than recording into it.
     */
    private Timer timer(String type, String method, int status) {
        String tag = TIMED_METHODS.contains(method) ? method : "other";
        return timers.computeIfAbsent(type + ' ' + tag + ' ' + status, key -> Timer.builder("overturn.fhir.requests")
                .description("FHIR requests by resource type, HTTP method and status")
                .tag("type", type)
                .tag("method", tag)
                .tag("status", Integer.toString(status))
                .register(meters));
    }

    /** Milliseconds with one decimal ({@code 12.3}), without a formatter: this runs once per request. */
    static String milliseconds(long micros) {
        long tenths = (micros + 50) / 100;
        return (tenths / 10) + "." + (tenths % 10);
    }

    private static String resourceType(HttpServletRequest request) {
        String path = FHIR_PREFIX.matcher(request.getRequestURI().substring(request.getContextPath().length())).replaceFirst("");
        String first = FIRST_SEGMENT_END.split(path, 2)[0];
        if (first.isEmpty()) {
            return "system";
        }
        return org.overturn.store.ResourceTypes.SUPPORTED.contains(first) || first.equals("metadata") ? first : "other";
    }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
    /** The methods a request timer is tagged with (HTTP's own and PATCH, which is refused); any other is "other". */
    private static final Set<String> TIMED_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");
    static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
    private static final String AUDIT_TRAIL_ALLOW = "GET, HEAD, OPTIONS";

    private static boolean auditTrail(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/fhir/" + org.overturn.store.ResourceTypes.AUDIT_EVENT + "/")
                || path.equals("/fhir/" + org.overturn.store.ResourceTypes.AUDIT_EVENT);
    }

    private @Nullable OverturnException refusal(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String[] segments = FHIR_PREFIX.matcher(path).replaceFirst("").split("/");
        if (!METHODS.contains(request.getMethod())) {
            return new OverturnException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    request.getMethod() + " is not supported on " + path + "; allowed: " + ALLOW);
        }
        boolean write = request.getMethod().equals("PUT") || request.getMethod().equals("DELETE")
                || (request.getMethod().equals("POST") && (segments.length == 1
                        || segments.length == 2 && !segments[1].equals("_search") && !segments[1].startsWith("$")));
        if (write && segments.length > 0 && segments[0].equals(org.overturn.store.ResourceTypes.AUDIT_EVENT)) {
            // Refused before the body is read or checked: the store refuses too, but a malformed body would be a 422 first.
            return new OverturnException(ErrorCode.METHOD_NOT_ALLOWED,
                    "The audit trail is written by the server alone: AuditEvents cannot be created, changed or deleted");
        }
        if (request.getMethod().equals("POST") && segments.length == 2 && !segments[1].startsWith("_")
                && !segments[1].startsWith("$")) {
            return new OverturnException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "POST to an existing resource's URL is not allowed; use PUT " + path + " to update it,"
                            + " or POST to /fhir/" + segments[0] + " to create");
        }
        long length = request.getContentLengthLong();
        if (length > maxBodyBytes) {
            return tooLarge();
        }
        boolean hasBody = length > 0 || request.getHeader("Transfer-Encoding") != null;
        String method = request.getMethod();
        if (hasBody && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
            String type = request.getContentType();
            String bare = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!BODY_TYPES.contains(bare)) {
                return new OverturnException(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type '" + (type == null ? "(none)" : type) + "' is not accepted; send"
                                + " application/fhir+json or application/fhir+xml");
            }
        }
        return null;
    }

    private OverturnException tooLarge() {
        return new OverturnException(
                ErrorCode.BODY_TOO_LARGE,
                "The request body exceeds the limit of " + maxBodyBytes + " bytes (setting overturn.fhir.max-body-size)");
    }

    /**
     * The query's parameter names for the access log, sorted, each escaped (a decoded name may hold a line break that
     * would forge a log line) and the whole bounded in length.
     */
    static String parameterNames(java.util.Collection<String> names) {
        StringBuilder out = new StringBuilder();
        for (String name : new java.util.TreeSet<>(names)) {
            if (out.length() > 0) {
                out.append(',');
            }
            for (int i = 0; i < name.length() && out.length() < 256; i++) {
                char c = name.charAt(i);
                if (c == '\n') {
                    out.append("\\n");
                } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            if (out.length() >= 256) {
                return out.append("...").toString();
            }
        }
        return out.toString();
    }
}
