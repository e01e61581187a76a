package org.overturn.payers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 section 2.2; SMART Backend Services): a short-lived JWT
 * about the client, signed with its private key, sent with the token request instead of a secret.
 */
final class ClientAssertions {
    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** SMART Backend Services allows at most five minutes. */
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private ClientAssertions() {}

    /** The configured key, checked: a private EC or RSA JWK with a key id. */
    static JWK signingKey(String json) {
        JWK key;
        try {
            key = JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("oauth.private-key is not a JWK: " + e.getMessage());
        }
        if (!key.isPrivate() || !(key instanceof ECKey || key instanceof RSAKey)) {
            throw new IllegalArgumentException("oauth.private-key must be a private EC or RSA key (JWK with its private part)");
        }
        if (key.getKeyID() == null) {
            throw new IllegalArgumentException("oauth.private-key needs a kid, so the payer can find the public key");
        }
        return key;
    }

    /** The assertion: issuer and subject the client id, audience the token endpoint, a fresh id, five minutes. */
    static String sign(PayerRoute.OAuth oauth, Instant now) throws AccessTokens.TokenException {
        JWK key = signingKey(Objects.requireNonNull(oauth.privateKey(), "PayerRoute.OAuth requires it for private-key-jwt"));
        try {
            JWSAlgorithm algorithm;
            JWSSigner signer;
            if (key instanceof ECKey ec) {
                algorithm = key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName()) : JWSAlgorithm.ES384;
                signer = new ECDSASigner(ec);
            } else {
                algorithm = key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName()) : JWSAlgorithm.RS384;
                signer = new RSASSASigner((RSAKey) key);
            }
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(oauth.clientId())
                    .subject(oauth.clientId())
                    .audience(oauth.tokenUrl().toString())
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(LIFETIME)))
                    .jwtID(UUID.randomUUID().toString())
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AccessTokens.TokenException("could not sign the client assertion: " + e.getMessage());
        }
    }
}
