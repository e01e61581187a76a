package org.overturn.authserver;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services token requests carry a client assertion and no {@code client_id} (RFC 7523 makes it
 * optional); the library requires it. This names the client from the assertion's {@code sub}, which SMART requires to
 * equal {@code iss} and the client id; the library then checks the signature with that client's registered keys and
 * the claims, exactly as when {@code client_id} is sent.
 */
final class BackendClientAssertion implements AuthenticationConverter {
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @Override
    public @Nullable Authentication convert(HttpServletRequest request) {
        String type = request.getParameter("client_assertion_type");
        String assertion = request.getParameter("client_assertion");
        if (!"POST".equals(request.getMethod()) || !JWT_BEARER.equals(type) || assertion == null
                || request.getParameter("client_id") != null) {
            return null; // the library's converters take it from here
        }
        String clientId;
        try {
            clientId = SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
        } catch (ParseException e) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        if (clientId == null || clientId.isBlank()) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        return new OAuth2ClientAuthenticationToken(
                clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, Map.of());
    }
}
