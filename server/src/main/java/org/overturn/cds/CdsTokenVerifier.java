package org.overturn.cds;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * Checks the JWT a CDS client sends (CDS Hooks 2.0 "Trusting CDS Clients"): a trusted issuer, a signature by one of
 * that issuer's configured keys (named by {@code kid}), {@code aud} = the service URL, {@code exp}, {@code iat}, and a
 * {@code jti} seen only once. Keys come only from configuration; a {@code jku} in the token is never fetched.
 */
final class CdsTokenVerifier {
    /** CDS Hooks requires ES384 and RS384; the other common asymmetric algorithms are accepted too. Never "none" or HMAC. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.ES384, JWSAlgorithm.RS384, JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.ES512,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    /** The caller, as far as the token says: the issuer, or "unsigned" in development mode. */
    record Caller(String client) {
        static final Caller UNSIGNED = new Caller("unsigned");
    }

    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new HashMap<>();
    private final boolean developmentMode;
    private final Duration clockSkew;
    private final Duration maxLifetime;
    private final TokenReplayCache replays;
    private final Clock clock;

    CdsTokenVerifier(CdsProperties properties, TokenReplayCache replays, Clock clock) {
        this.developmentMode = properties.developmentMode();
        this.clockSkew = properties.clockSkew();
        this.maxLifetime = properties.maxTokenLifetime();
        this.replays = replays;
        this.clock = clock;
        for (CdsProperties.Client client : properties.clients()) {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(client)));
            processor.setJWTClaimsSetVerifier(null); // the claims are checked below, with messages that say what to fix
            processors.put(client.issuer(), processor);
        }
    }

    private static JWKSource<SecurityContext> keys(CdsProperties.Client client) {
        try {
            if (client.jwks() != null && !client.jwks().isBlank()) {
                return new ImmutableJWKSet<>(JWKSet.parse(client.jwks()));
            }
            if (client.jwksUri() != null && !client.jwksUri().isBlank()) {
                return JWKSourceBuilder.create(URI.create(client.jwksUri()).toURL()).build();
            }
        } catch (ParseException | MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("overturn.cds.clients: the keys of " + client.issuer() + " are not a valid JWKS: " + e.getMessage(), e);
        }
        throw new IllegalStateException("overturn.cds.clients: " + client.issuer() + " needs jwks-uri or jwks");
    }

    /**
     * The caller of a hook call with this {@code Authorization} header, addressed to {@code audiences} (the URLs
     * this service answers at); a refusal is an UNAUTHORIZED (401) OverturnException saying why.
     */
    Caller verify(@Nullable String authorization, List<String> audiences) {
        if (authorization == null || authorization.isBlank()) {
            if (developmentMode) {
                return Caller.UNSIGNED;
            }
            throw refused("Send the CDS client's JWT as 'Authorization: Bearer <jwt>'; unsigned calls are accepted only"
                    + " in development mode (overturn.cds.development-mode)");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw refused("The Authorization header must be 'Bearer <jwt>'");
        }
        JWT token;
        JWTClaimsSet unverified;
        try {
            token = JWTParser.parse(authorization.substring(7).trim());
            unverified = token.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("The bearer token is not a JWT");
        }
        if (!(token instanceof SignedJWT signed)) {
            throw refused("The JWT is not signed (alg '" + token.getHeader().getAlgorithm() + "'); sign it with ES384 or RS384");
        }
        String issuer = unverified.getIssuer();
        DefaultJWTProcessor<SecurityContext> processor = issuer == null ? null : processors.get(issuer);
        if (processor == null) {
            throw refused("The issuer '" + issuer + "' is not a trusted CDS client (overturn.cds.clients)");
        }
        if (signed.getHeader().getKeyID() == null) {
            throw refused("The JWT header has no 'kid'; name the signing key");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJOSEException | JOSEException e) {
            throw refused("The JWT signature does not verify with a key of " + issuer + " (kid '"
                    + signed.getHeader().getKeyID() + "', alg " + signed.getHeader().getAlgorithm() + ")");
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null) {
            throw refused("The JWT has no 'exp'");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        if (exp.plus(clockSkew).isBefore(now)) {
            throw refused("The JWT expired at " + exp);
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().minus(clockSkew).isAfter(now)) {
            throw refused("The JWT is not valid before its 'nbf' " + claims.getNotBeforeTime().toInstant());
        }
        Instant iat = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        if (iat != null && iat.minus(clockSkew).isAfter(now)) {
            throw refused("The JWT's 'iat' is in the future");
        }
        if (Duration.between(iat == null ? now : iat, exp).compareTo(maxLifetime) > 0) {
            throw refused("The JWT lives longer than " + maxLifetime.toMinutes() + " minutes; issue short-lived tokens");
        }
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw refused("The JWT's 'aud' " + claims.getAudience() + " is not this service's URL " + audiences.get(0));
        }
        if (claims.getJWTID() == null || claims.getJWTID().isBlank()) {
            throw refused("The JWT has no 'jti'");
        }
        if (!replays.firstUse(issuer, claims.getJWTID(), exp.plus(clockSkew))) {
            throw refused("This JWT (jti '" + claims.getJWTID() + "') was already used; send a new token with each call");
        }
        return new Caller(issuer);
    }

    private static OverturnException refused(String message) {
        return new OverturnException(ErrorCode.UNAUTHORIZED, message);
    }
}
