package org.overturn.security;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.web.client.RestOperations;

/**
 * One JWT decoder per trusted issuer, chosen by the token's {@code iss}: signature checked with the issuer's
 * configured JWKS (asymmetric algorithms only, so {@code alg: none} and HMAC tokens fail), then issuer, audience,
 * {@code exp} (required) and {@code nbf} with the configured clock skew. A token's {@code jku}, {@code x5u} or
 * embedded {@code jwk} is never used to find its key.
 */
final class TokenDecoders {
    /** RFC 7518 asymmetric signatures; SMART asks for RS384 and ES384 at least. */
    private static final List<SignatureAlgorithm> ALGORITHMS = List.of(
            SignatureAlgorithm.RS256, SignatureAlgorithm.RS384, SignatureAlgorithm.RS512,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512,
            SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512);

    private TokenDecoders() {}

    static JwtIssuerAuthenticationManagerResolver resolver(SmartSecurityProperties properties, String audience) {
        RestOperations http = new RestTemplateBuilder()
                .connectTimeout(properties.jwksTimeout())
                .readTimeout(properties.jwksTimeout())
                .build();
        Map<String, AuthenticationManager> managers = new HashMap<>();
        for (SmartSecurityProperties.Issuer issuer : properties.issuers()) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer.jwksUri().toString())
                    .jwsAlgorithms(algorithms -> algorithms.addAll(ALGORITHMS))
                    .restOperations(http)
                    .build();
            decoder.setJwtValidator(validator(issuer.issuer(), audience, properties.clockSkew()));
            managers.put(issuer.issuer(), new JwtAuthenticationProvider(decoder)::authenticate);
        }
        Map<String, AuthenticationManager> trusted = Map.copyOf(managers);
        // An unknown issuer resolves to null, which the resolver answers as an invalid token.
        return new JwtIssuerAuthenticationManagerResolver(trusted::get);
    }

    static OAuth2TokenValidator<Jwt> validator(String issuer, String audience, Duration clockSkew) {
        return new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(clockSkew),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)));
    }
}
