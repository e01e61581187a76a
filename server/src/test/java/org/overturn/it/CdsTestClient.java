package org.overturn.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** A CDS client (an EHR) the test server trusts: its issuer, its keys, and the JWTs it signs. */
final class CdsTestClient {
    static final String ISSUER = "https://ehr.test.example";
    static final ECKey ES384 = TestKeys.ec("test-es384");
    static final RSAKey RS384 = TestKeys.rsa("test-rs384");
    /** A key with a known kid that the server was never given. */
    static final ECKey STRANGER = TestKeys.ec("test-es384");

    /** A second trusted client that publishes its keys at a URL (jwks_uri), as the Inferno CRD kit's client does. */
    static final String PUBLISHING_ISSUER = "https://ehr-publishing-keys.test.example";
    static final ECKey PUBLISHED = TestKeys.ec("published-es384");

    private CdsTestClient() {}

    /** Where {@link #PUBLISHED}'s public key set is served, on loopback, started once per test JVM. */
    static String jwksUri() {
        return KeySetServer.URL;
    }

    private static final class KeySetServer {
        static final String URL = start();

        private static String start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                byte[] body = new JWKSet(PUBLISHED.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                server.createContext("/jwks.json", exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (var out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.start();
                return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The public JWKS the server is configured with. */
    static String jwks() {
        return new JWKSet(List.<JWK>of(ES384.toPublicJWK(), RS384.toPublicJWK())).toString();
    }

    /** A valid ES384 token for {@code audience}, changed by {@code edit}. */
    static String token(String audience, Consumer<JWTClaimsSet.Builder> edit) {
        return sign(ES384, JWSAlgorithm.ES384, audience, edit);
    }

    static String sign(JWK key, JWSAlgorithm alg, String audience, Consumer<JWTClaimsSet.Builder> edit) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
        edit.accept(claims);
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }
}
