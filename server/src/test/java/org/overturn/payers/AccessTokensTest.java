package org.overturn.payers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client-credentials token client against a stand-in token endpoint (WireMock). */
class AccessTokensTest {
    private final WireMockServer oauth = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private AccessTokens tokens;

    @BeforeEach
    void start() {
        oauth.start();
        tokens = new AccessTokens(HttpClient.newHttpClient(), clock);
    }

    @AfterEach
    void stop() {
        oauth.stop();
    }

    private PayerRoute route(PayerRoute.ClientAuthentication how) {
        return new PayerRoute("http://x|payer", URI.create("http://127.0.0.1:" + oauth.port() + "/fhir"), null,
                new PayerRoute.OAuth(URI.create("http://127.0.0.1:" + oauth.port() + "/token"), "overturn", "s3cret:&",
                        "system/Claim.write", how, null), Duration.ofSeconds(5), false);
    }

    private void issues(String token, int expiresIn) {
        oauth.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}")));
    }

    @Test
    void tokenWhenCachedThenFetchedOnceAndSentWithBasicClientAuthentication() throws Exception {
        issues("tok-1", 3600);
        PayerRoute route = route(PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC);
        assertThat(tokens.token(route)).isEqualTo("tok-1");
        assertThat(tokens.token(route)).isEqualTo("tok-1");
        oauth.verify(1, postRequestedFor(urlEqualTo("/token"))
                .withHeader("Authorization", equalTo("Basic b3ZlcnR1cm46czNjcmV0JTNBJTI2")) // overturn:s3cret%3A%26
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=system%2FClaim.write")));
    }

    @Test
    void tokenWhenPostAuthenticationThenIdAndSecretInTheForm() throws Exception {
        issues("tok-p", 3600);
        assertThat(tokens.token(route(PayerRoute.ClientAuthentication.CLIENT_SECRET_POST))).isEqualTo("tok-p");
        oauth.verify(1, postRequestedFor(urlEqualTo("/token"))
                .withRequestBody(containing("client_id=overturn")).withRequestBody(containing("client_secret=s3cret%3A%26")));
    }

    @Test
    void tokenWhenNearExpiryThenRenewedBeforeItEnds() throws Exception {
        issues("tok-1", 600);
        PayerRoute route = route(PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC);
        tokens.token(route);
        clock.advance(Duration.ofSeconds(530));
        assertThat(tokens.token(route)).isEqualTo("tok-1");
        issues("tok-2", 600);
        clock.advance(Duration.ofSeconds(15)); // 545 s: within a minute of expiry
        assertThat(tokens.token(route)).isEqualTo("tok-2");
        oauth.verify(2, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void tokenWhenRefusedThenNextCallFetchesAnotherButOnlyOnce() throws Exception {
        issues("tok-1", 3600);
        PayerRoute route = route(PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC);
        tokens.token(route);
        issues("tok-2", 3600);
        tokens.refused(route, "tok-1");
        tokens.refused(route, "tok-1"); // a second thread that saw the same refusal
        assertThat(tokens.token(route)).isEqualTo("tok-2");
        tokens.refused(route, "tok-1"); // stale: tok-2 stays
        assertThat(tokens.token(route)).isEqualTo("tok-2");
        oauth.verify(2, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void tokenWhenManyThreadsAskAtOnceThenOneFetch() throws Exception {
        oauth.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200).withFixedDelay(300)
                .withBody("{\"access_token\":\"tok-slow\",\"token_type\":\"bearer\",\"expires_in\":3600}")));
        PayerRoute route = route(PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(pool.submit((Callable<String>) () -> tokens.token(route)));
            }
            for (Future<String> f : got) {
                assertThat(f.get()).isEqualTo("tok-slow");
            }
        } finally {
            pool.shutdownNow();
        }
        oauth.verify(1, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void tokenWhenPrivateKeyJwtThenASignedShortLivedAssertionAboutTheClientForThisTokenEndpoint() throws Exception {
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384)
                .keyID("overturn-key-1").algorithm(com.nimbusds.jose.JWSAlgorithm.ES384).generate();
        URI tokenUrl = URI.create("http://127.0.0.1:" + oauth.port() + "/token");
        PayerRoute route = new PayerRoute("http://x|payer", URI.create("http://127.0.0.1:" + oauth.port() + "/fhir"), null,
                new PayerRoute.OAuth(tokenUrl, "overturn", null, "system/Claim.write",
                        PayerRoute.ClientAuthentication.PRIVATE_KEY_JWT, key.toJSONString()), Duration.ofSeconds(5), false);
        issues("tok-jwt", 3600);
        assertThat(tokens.token(route)).isEqualTo("tok-jwt");

        String body = oauth.findAll(postRequestedFor(urlEqualTo("/token"))).get(0).getBodyAsString();
        java.util.Map<String, String> form = new java.util.HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(form).containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .doesNotContainKey("client_secret");
        com.nimbusds.jwt.SignedJWT assertion = com.nimbusds.jwt.SignedJWT.parse(form.get("client_assertion"));
        assertThat(assertion.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("overturn-key-1");
        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(com.nimbusds.jose.JWSAlgorithm.ES384);
        var claims = assertion.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("overturn");
        assertThat(claims.getSubject()).isEqualTo("overturn");
        assertThat(claims.getAudience()).containsExactly(tokenUrl.toString());
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void tokenWhenEndpointFailsThenTheReasonNamesItAndItsAnswer() {
        oauth.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\"}")));
        PayerRoute route = route(PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC);
        assertThatThrownBy(() -> tokens.token(route)).isInstanceOf(AccessTokens.TokenException.class)
                .hasMessageContaining("/token answered HTTP 401 (invalid_client)");
        oauth.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200).withBody("{\"token_type\":\"bearer\"}")));
        assertThatThrownBy(() -> tokens.token(route)).hasMessageContaining("without an access_token");
        oauth.stop();
        assertThatThrownBy(() -> tokens.token(route)).hasMessageContaining("could not reach the token endpoint");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
