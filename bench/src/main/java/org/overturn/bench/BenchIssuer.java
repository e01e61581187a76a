package org.overturn.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A trusted token issuer for benchmarks with authorization on: a key made at start, its JSON Web Key Set served on
 * loopback, and one signed access token (the scope asked for, this server as audience, valid for two hours) written
 * to a file for the load driver ({@code OVERTURN_BENCH_TOKEN}). Runs until killed, or stops by itself after the token
 * has expired.
 *
 * <pre>java -Dloader.main=org.overturn.bench.BenchIssuer -jar bench/target/overturn-bench.jar \
 *     --port 18091 --audience http://127.0.0.1:18080/fhir --scope system/*.cruds --out token.txt</pre>
 */
public final class BenchIssuer {
    static final Duration LIFETIME = Duration.ofHours(2);

    private BenchIssuer() {}

    public static void main(String[] args) throws Exception {
        int port = 18091;
        String audience = null;
        String scope = "system/*.cruds";
        String patient = null;
        Path out = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--audience" -> audience = args[i + 1];
                case "--scope" -> scope = args[i + 1];
                case "--patient" -> patient = args[i + 1];
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException(
                        "options: --port N --audience FHIR_BASE --scope SCOPES [--patient ID] --out FILE");
            }
        }
        if (audience == null || out == null) {
            throw new IllegalArgumentException("--audience and --out are required");
        }
        Running issuer = start(port);
        Files.writeString(out, issuer.token(audience, scope, patient));
        System.err.println("bench issuer " + issuer.url() + " (JWKS at /jwks); token for '" + scope + "' written to " + out);
        Thread.sleep(LIFETIME.toMillis());
        issuer.close();
    }

    /** An issuer serving its key set on loopback until closed; {@link #url()} is its {@code iss}. */
    record Running(String url, RSAKey key, HttpServer server) implements AutoCloseable {
        String jwksUri() {
            return url + "/jwks";
        }

        String token(String audience, String scope, @Nullable String patient) throws JOSEException {
            return BenchIssuer.token(key, url, audience, scope, patient);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static Running start(int port) throws JOSEException, java.io.IOException {
        RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(jwks);
            }
        });
        server.start();
        return new Running("http://127.0.0.1:" + port, key, server);
    }

    static String token(RSAKey key, String issuer, String audience, String scope, @Nullable String patient) throws JOSEException {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("bench")
                .audience(audience)
                .claim("scope", scope)
                .claim("client_id", "bench")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(LIFETIME)));
        if (patient != null) {
            claims.claim("patient", patient);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

}
