package org.overturn.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.Outcomes;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Refusals at the HTTP edge as FHIR answers: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750 §3) and an
 * OperationOutcome; 403 likewise. The body says why only in general terms; no detail of the token is echoed.
 */
final class OutcomeEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final FhirContext ctx;
    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();

    OutcomeEntryPoint(FhirContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException thrown)
            throws IOException {
        bearer.commence(request, response, thrown); // status 401 and the WWW-Authenticate challenge
        boolean sent = request.getHeader("Authorization") != null;
        write(response, ErrorCode.UNAUTHORIZED, sent
                ? "The bearer token was refused (signature, issuer, audience, validity period or algorithm)"
                : "A bearer token from a trusted issuer is required");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException thrown)
            throws IOException {
        denied.handle(request, response, thrown);
        write(response, ErrorCode.INSUFFICIENT_SCOPE, "The token's scopes do not allow this request");
    }

    private void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        response.setStatus(code.httpStatus());
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getWriter().write(ctx.newJsonParser().encodeResourceToString(Outcomes.error(code, message)));
        response.getWriter().flush();
    }
}
