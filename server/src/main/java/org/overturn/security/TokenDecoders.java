package org.overturn.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.http.HttpServletRequest;
import java.net.MalformedURLException;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.introspection.SpringOpaqueTokenIntrospector;
import java.time.Instant;

/**
 * One JWT decoder per trusted issuer, chosen by the token's {@code iss}: signature checked with the issuer's
 * configured JWKS (asymmetric algorithms only, so {@code alg: none} and HMAC tokens fail), then issuer, audience,
 * {@code exp} (required) and {@code nbf} with the configured clock skew. A token's {@code jku}, {@code x5u} or
 * embedded {@code jwk} is never used to find its key. Any other token goes to token introspection when it is
 * configured.
 */
final class TokenDecoders {
    private static final Logger log = LoggerFactory.getLogger(TokenDecoders.class);
    /** RFC 7518 asymmetric signatures; SMART asks for RS384 and ES384 at least. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    /** A key set larger than this is not a key set. */
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    private TokenDecoders() {}

    static AuthenticationManagerResolver<HttpServletRequest> resolver(
            SmartSecurityProperties properties, String audience, java.time.Clock clock) {
        Map<String, AuthenticationManager> managers = new HashMap<>();
        for (SmartSecurityProperties.Issuer issuer : properties.issuers()) {
            NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor(issuer, properties.jwksTimeout()));
            OAuth2TokenValidator<Jwt> validator = validator(issuer.issuer(), audience, properties.clockSkew());
            decoder.setJwtValidator(validator);
            JwtAuthenticationProvider provider = new JwtAuthenticationProvider(verifiedOnce(decoder, validator));
            // Access comes from the SMART scopes (AccessContext), not from Spring authorities: none are made.
            provider.setJwtAuthenticationConverter(jwt -> new JwtAuthenticationToken(jwt, List.of(), jwt.getSubject()));
            managers.put(issuer.issuer(), provider::authenticate);
        }
        AuthenticationManager introspected = properties.introspection() == null ? null
                : introspected(properties.introspection(), audience, properties.jwksTimeout(), clock);
        AuthenticationManager byIssuer = byIssuer(Map.copyOf(managers), introspected);
        return request -> byIssuer;
    }

    /**
     * Opaque tokens, and JWTs of issuers not trusted directly, asked of the authorization server (RFC 7662) with the
     * resource server's credentials. Only an active answer whose {@code aud} names this server is accepted; an
     * unreachable or failing endpoint is a 401, not a server error. An active answer is reused for the same token for
     * {@code cacheFor}, never past its {@code exp}: a client sends one token with every request.
     */
    static AuthenticationManager introspected(
            SmartSecurityProperties.Introspection settings, String audience, Duration timeout, java.time.Clock clock) {
        org.springframework.http.client.SimpleClientHttpRequestFactory http =
                new org.springframework.http.client.SimpleClientHttpRequestFactory();
        http.setConnectTimeout(timeout);
        http.setReadTimeout(timeout);
        org.springframework.web.client.RestTemplate rest = new org.springframework.web.client.RestTemplate(http);
        rest.getInterceptors().add(new org.springframework.http.client.support.BasicAuthenticationInterceptor(
                settings.clientId(), settings.clientSecret()));
        OpaqueTokenIntrospector server = new SpringOpaqueTokenIntrospector(settings.uri().toString(), rest);
        Cache<String, OAuth2AuthenticatedPrincipal> answers = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(settings.cacheFor())
                .build();
        OpaqueTokenIntrospector checked = token -> {
            OAuth2AuthenticatedPrincipal principal = answers.get(token, t -> forThisServer(server.introspect(t), audience));
            Object exp = principal.getAttribute(JwtClaimNames.EXP);
            if (exp instanceof Instant expiry && !expiry.isAfter(clock.instant())) {
                answers.invalidate(token);
                throw new BadOpaqueTokenException("The token has expired");
            }
            return principal;
        };
        OpaqueTokenAuthenticationProvider provider = new OpaqueTokenAuthenticationProvider(checked);
        // Access comes from the SMART scopes (AccessContext), not from Spring authorities: none are made.
        provider.setAuthenticationConverter((token, principal) -> new BearerTokenAuthentication(
                principal, new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token, null, null), List.of()));
        String issuer = settings.issuer();
        return authentication -> {
            try {
                var result = provider.authenticate(authentication);
                return issuer == null || !(result instanceof BearerTokenAuthentication bearer)
                        || bearer.getTokenAttributes().get(JwtClaimNames.ISS) != null ? result : withIssuer(bearer, issuer);
            } catch (org.springframework.security.authentication.AuthenticationServiceException e) {
                // the endpoint failed or could not be reached: the token is unchecked, which is a 401
                log.warn("Token introspection at {} failed: {}", settings.uri(), e.getMessage());
                throw new InvalidBearerTokenException("The token could not be checked");
            }
        };
    }

    private static OAuth2AuthenticatedPrincipal forThisServer(OAuth2AuthenticatedPrincipal principal, String audience) {
        Object aud = principal.getAttribute(JwtClaimNames.AUD);
        boolean ours = aud instanceof java.util.Collection<?> list ? list.stream().anyMatch(a -> audience.equals(String.valueOf(a)))
                : audience.equals(String.valueOf(aud));
        if (!ours) {
            throw new BadOpaqueTokenException("The token was not issued for this server (aud)");
        }
        return principal;
    }

    /** The answer with the configured issuer's name, for an authorization server whose answers carry no {@code iss}. */
    private static BearerTokenAuthentication withIssuer(BearerTokenAuthentication bearer, String issuer) {
        Map<String, Object> attributes = new HashMap<>(bearer.getTokenAttributes());
        attributes.put(JwtClaimNames.ISS, issuer);
        OAuth2AuthenticatedPrincipal principal = new DefaultOAuth2AuthenticatedPrincipal(attributes, List.of());
        return new BearerTokenAuthentication(principal, bearer.getToken(), List.of());
    }

    /**
     * The manager of the token's issuer ({@code iss}, read without trusting it: the chosen issuer's decoder checks
     * everything). What a token's issuer is does not change, so it is read once per token (bounded cache); an unknown
     * or unreadable issuer is an invalid token, and nothing is fetched for it.
     */
    static AuthenticationManager byIssuer(Map<String, AuthenticationManager> trusted, @Nullable AuthenticationManager introspected) {
        Cache<String, String> issuers = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(Duration.ofMinutes(5))
                .executor(Runnable::run) // upkeep on the calling thread: cheaper than handing it to the common pool
                .build();
        return authentication -> {
            if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
                throw new InvalidBearerTokenException("Not a bearer token");
            }
            String issuer = issuers.get(bearer.getToken(), TokenDecoders::unverifiedIssuer);
            AuthenticationManager manager = issuer == null ? null : trusted.get(issuer);
            if (manager == null) {
                manager = introspected; // not a JWT of a trusted issuer: the authorization server may know it
            }
            if (manager == null) {
                throw new InvalidBearerTokenException("The token's issuer is not trusted");
            }
            return manager.authenticate(authentication);
        };
    }

    private static @Nullable String unverifiedIssuer(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException | RuntimeException e) {
            return "";
        }
    }

    /**
     * A client sends the same token with every request until it expires: its signature is checked once, and the
     * decoded token is kept for at most five minutes (bounded), its claims checked again on every use, so an expired
     * token is refused as soon as it expires. A key the issuer withdraws stops tokens already seen within five minutes,
     * the time the key set itself is cached for.
     */
    static JwtDecoder verifiedOnce(JwtDecoder decoder, OAuth2TokenValidator<Jwt> validator) {
        Cache<String, Jwt> verified = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(Duration.ofMinutes(5))
                .executor(Runnable::run) // upkeep on the calling thread: cheaper than handing it to the common pool
                .build();
        return token -> {
            Jwt jwt = verified.getIfPresent(token);
            if (jwt == null) {
                jwt = decoder.decode(token);
                verified.put(token, jwt);
                return jwt;
            }
            OAuth2TokenValidatorResult result = validator.validate(jwt);
            if (result.hasErrors()) {
                verified.invalidate(token);
                throw new JwtValidationException("The token is no longer valid", result.getErrors());
            }
            return jwt;
        };
    }

    /**
     * Signature checks with the issuer's key set, cached for five minutes; a token naming an unknown {@code kid} makes
     * the set be fetched again at most once per 30 s, so a stream of such tokens cannot turn into a stream of requests
     * to the issuer. Claims are checked by {@link #validator}.
     */
    private static DefaultJWTProcessor<SecurityContext> processor(SmartSecurityProperties.Issuer issuer, Duration timeout) {
        int millis = (int) timeout.toMillis();
        URL jwks;
        try {
            jwks = issuer.jwksUri().toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("overturn.security.issuers: the jwks-uri of " + issuer.issuer()
                    + " is not a URL: " + issuer.jwksUri(), e);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(
                        jwks, new DefaultResourceRetriever(millis, millis, JWKS_SIZE_LIMIT))
                .cache(Duration.ofMinutes(5).toMillis(), timeout.toMillis())
                .rateLimited(Duration.ofSeconds(30).toMillis())
                .retrying(false)
                .build();
        // No key found (the refresh was rate-limited, or the issuer could not be reached): the token cannot be
        // verified, which is a 401, not a server error.
        JWKSource<SecurityContext> found = (selector, context) -> {
            try {
                return keys.get(selector, context);
            } catch (RateLimitReachedException e) {
                return List.of();
            } catch (KeySourceException e) {
                log.warn("The key set of trusted issuer {} could not be read: {}", issuer.issuer(), e.getMessage());
                return List.of();
            }
        };
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, found));
        processor.setJWTClaimsSetVerifier((claims, context) -> {}); // Spring's validators check the claims
        return processor;
    }

    static OAuth2TokenValidator<Jwt> validator(String issuer, String audience, Duration clockSkew) {
        return new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(clockSkew),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)));
    }
}
