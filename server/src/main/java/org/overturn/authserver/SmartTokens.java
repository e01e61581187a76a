package org.overturn.authserver;

import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * What makes the library's tokens SMART tokens: the access token names this FHIR server as its audience, carries
 * {@code scope} as one space-separated string, the launch {@code patient} and the signed-in user's {@code fhirUser};
 * the token response repeats {@code patient} beside the token, as SMART App Launch asks, and gives the
 * {@code appContext} the EHR handed over with the launch (CDS Hooks: a card's SMART link), which stays out of the token.
 */
final class SmartTokens {
    static final String LAUNCH = "launch";
    static final String PATIENT = "patient";
    static final String FHIR_USER = "fhirUser";
    static final String APP_CONTEXT = "appContext";

    private final String audience;
    private final LaunchContexts launches;
    private final DevelopmentUsers users;
    private final OAuth2AuthorizationService authorizations;

    SmartTokens(String audience, LaunchContexts launches, DevelopmentUsers users,
            OAuth2AuthorizationService authorizations) {
        this.audience = audience;
        this.launches = launches;
        this.authorizations = authorizations;
        this.users = users;
    }

    OAuth2TokenCustomizer<JwtEncodingContext> claims() {
        return context -> {
            boolean userGrant = AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                    || AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType());
            String user = userGrant ? users.fhirUser(context.getPrincipal().getName()).orElse(null) : null;
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                context.getClaims()
                        .audience(List.of(audience))
                        .claim("scope", String.join(" ", new TreeSet<>(context.getAuthorizedScopes())))
                        .claim("client_id", context.getRegisteredClient().getClientId());
                if (userGrant) {
                    patient(context.getAuthorization()).ifPresent(p -> context.getClaims().claim(PATIENT, p));
                }
                if (user != null) {
                    context.getClaims().claim(FHIR_USER, user);
                }
            } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())
                    && user != null
                    && context.getAuthorizedScopes().contains(FHIR_USER)) {
                context.getClaims().claim(FHIR_USER, user);
            }
        };
    }

    /** The launch patient of an authorization whose request carried {@code launch}; refused once it has expired. */
    private Optional<String> patient(@Nullable OAuth2Authorization authorization) {
        Optional<String> launch = launch(authorization);
        if (launch.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(launches.patient(launch.get()).orElseThrow(() -> new OAuth2AuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The launch context has expired; launch again", null))));
    }

    /** The {@code launch} value the authorization's authorize request carried, if any. */
    private static Optional<String> launch(@Nullable OAuth2Authorization authorization) {
        OAuth2AuthorizationRequest request = authorization == null
                ? null
                : authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Object launch = request == null ? null : request.getAdditionalParameters().get(LAUNCH);
        return Optional.ofNullable(launch == null ? null : launch.toString());
    }

    /**
     * Adds {@code patient} to the token response when the access token carries it, and {@code appContext} when the
     * authorization's launch had one (read from the saved authorization: the response context does not carry it).
     */
    Consumer<OAuth2AccessTokenAuthenticationContext> response() {
        return context -> {
            OAuth2AccessTokenAuthenticationToken token = context.getAuthentication();
            Map<String, Object> parameters = new HashMap<>(token.getAdditionalParameters());
            String accessToken = token.getAccessToken().getTokenValue();
            claim(accessToken, PATIENT).ifPresent(p -> parameters.put(PATIENT, p));
            if (parameters.containsKey(PATIENT)) {
                parameters.put("need_patient_banner", true);
                launch(authorizations.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN))
                        .flatMap(launches::appContext)
                        .ifPresent(c -> parameters.put(APP_CONTEXT, c));
            }
            context.getAccessTokenResponse().additionalParameters(parameters);
        };
    }

    private static Optional<String> claim(String jwt, String name) {
        try {
            return Optional.ofNullable(SignedJWT.parse(jwt).getJWTClaimsSet().getStringClaim(name));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
