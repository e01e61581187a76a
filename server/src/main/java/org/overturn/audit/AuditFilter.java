package org.overturn.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overturn.store.ResourceTypes;
import org.springframework.lang.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every FHIR request that got past authentication, whatever answered it (HAPI, the stored-JSON path, an
 * operation), once it is answered: who from the checked token, what from the method, path and query, the outcome
 * from the status. Runs after Spring Security's chain, so the caller is known, and before every other /fhir filter.
 */
final class AuditFilter extends OncePerRequestFilter {
    private static final Pattern LOCATION = Pattern.compile("/fhir/([A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/.*)?$");

    private final AuditLog audit;
    private final Clock clock;

    AuditFilter(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The server's own description and discovery hold no patient data. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return request.getMethod().equals("OPTIONS") || path.equals("metadata") || path.startsWith(".well-known");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        try {
            chain.doFilter(request, response);
        } finally {
            Jwt token = caller instanceof JwtAuthenticationToken jwt ? jwt.getToken() : null;
            audit.record(new AuditRecord(
                    clock.instant(),
                    request.getMethod(),
                    path(request),
                    request.getQueryString(),
                    response.getStatus(),
                    token == null || token.getIssuer() == null ? null : token.getIssuer().toString(),
                    token == null ? "development" : String.valueOf(token.getSubject()),
                    token == null ? null : clientId(token),
                    token == null ? null : token.getClaimAsString("patient"),
                    request.getRemoteAddr(),
                    response.getHeader("X-Request-Id"),
                    written(response.getHeader("Location"))));
        }
    }

    private static String path(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length()).replaceFirst("^/fhir/?", "");
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** SMART and RFC 9068 name the client in {@code client_id}; other servers use {@code azp}. */
    private static @Nullable String clientId(Jwt token) {
        String id = token.getClaimAsString("client_id");
        return id != null ? id : token.getClaimAsString("azp");
    }

    private static @Nullable String written(@Nullable String location) {
        if (location == null) {
            return null;
        }
        Matcher m = LOCATION.matcher(location);
        return m.find() && ResourceTypes.SUPPORTED.contains(m.group(1)) ? m.group(1) + "/" + m.group(2) : null;
    }
}
