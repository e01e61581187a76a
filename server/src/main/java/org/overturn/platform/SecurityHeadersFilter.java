package org.overturn.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Headers every answer carries, whatever path or security mode served it: no MIME sniffing and no referrer leaks
 * anywhere; API answers (FHIR, CDS Hooks, operations), which hold PHI, are never framed and never stored by a cache.
 * The SMART app under {@code /app/} may be framed, since EHRs embed it. The metrics endpoint answers only callers on
 * this machine unless {@code overturn.operations.metrics-public} opens it (or it moves to {@code management.server.port}
 * behind the network's own rules): its labels name resource types and statuses, not for everyone to read.
 */
final class SecurityHeadersFilter extends OncePerRequestFilter {
    private final boolean metricsPublic;

    SecurityHeadersFilter(boolean metricsPublic) {
        this.metricsPublic = metricsPublic;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (!metricsPublic && path.startsWith("/actuator/prometheus") && !loopback(request.getRemoteAddr())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (!path.startsWith("/app/") && !path.equals("/app")) {
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("Cache-Control", "no-store"); // a handler may still allow caching of what is public
        }
        chain.doFilter(request, response);
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress(); // a literal from the connection: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
