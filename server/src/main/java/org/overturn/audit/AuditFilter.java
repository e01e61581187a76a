package org.overturn.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overturn.platform.AuditAttributes;
import org.overturn.store.ResourceTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.overturn.security.AccessContext;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records requests once they are answered, whatever answered them (HAPI, the stored-JSON path, an operation, a CDS
 * Hooks service): who from the checked token (or the caller the CDS edge verified), what from the method, path and
 * query, the outcome from the status. Three placements ({@link Placement}): FHIR requests after Spring Security's
 * chain, so the caller is known; FHIR requests refused by that chain (401), recorded from in front of it; CDS Hooks
 * calls.
 */
final class AuditFilter extends OncePerRequestFilter {
    private static final Pattern LOCATION = Pattern.compile("/fhir/([A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/.*)?$");

    enum Placement {
        /** Behind Spring Security: every FHIR request that got past authentication. */
        AUTHENTICATED,
        /** In front of Spring Security: only the requests it refused (401), if the queue has room. */
        REFUSED,
        /** CDS Hooks services (not their discovery document). */
        CDS_HOOKS
    }

    private final AuditLog audit;
    private final Clock clock;
    private final Placement placement;

    AuditFilter(AuditLog audit, Clock clock, Placement placement) {
        this.audit = audit;
        this.clock = clock;
        this.placement = placement;
    }

    /** The server's own description and discovery documents hold no patient data. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return request.getMethod().equals("OPTIONS") || path.equals("metadata") || path.startsWith(".well-known")
                || (placement == Placement.CDS_HOOKS && request.getMethod().equals("GET"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        try {
            chain.doFilter(request, response);
        } finally {
            if (placement == Placement.REFUSED) {
                if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
                    audit.recordIfRoom(record(request, response, null, "unauthenticated"));
                }
            } else {
                // A JWT's claims, or what introspection answered for an opaque token.
                Map<String, Object> token = caller instanceof AbstractOAuth2TokenAuthenticationToken<?> checked
                        ? checked.getTokenAttributes() : null;
                Object verified = request.getAttribute(AuditAttributes.CALLER);
                // A CDS Hooks call refused before its JWT was verified has no caller; in development mode FHIR
                // requests have none either.
                String subject = token != null ? AccessContext.text(token.get("sub"))
                        : verified != null ? verified.toString()
                        : placement == Placement.CDS_HOOKS ? "unauthenticated" : "development";
                audit.record(record(request, response, token, subject));
            }
        }
    }

    private AuditRecord record(
            HttpServletRequest request, HttpServletResponse response, @Nullable Map<String, Object> token, String subject) {
        Object patient = token != null ? token.get("patient") : request.getAttribute(AuditAttributes.PATIENT);
        return new AuditRecord(
                clock.instant(),
                request.getMethod(),
                path(request),
                request.getQueryString(),
                response.getStatus(),
                token == null || token.get("iss") == null ? null : token.get("iss").toString(),
                subject,
                token == null ? null : AccessContext.clientId(token),
                patient == null ? null : patient.toString(),
                request.getRemoteAddr(),
                response.getHeader("X-Request-Id"),
                written(response.getHeader("Location")));
    }

    /** The path below /fhir ("Observation/7"), or from the root for CDS Hooks ("cds-services/overturn-order-sign"). */
    private static String path(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/fhir")) {
            path = path.substring("/fhir".length());
        }
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static @Nullable String written(@Nullable String location) {
        if (location == null) {
            return null;
        }
        Matcher m = LOCATION.matcher(location);
        return m.find() && ResourceTypes.SUPPORTED.contains(m.group(1)) ? m.group(1) + "/" + m.group(2) : null;
    }
}
