package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Instant;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Opaque access tokens checked by token introspection (RFC 7662) at an authorization server WireMock stands in for:
 * only an active answer naming this server in {@code aud} and not expired lets a request through, its scopes and
 * patient then decide as a JWT's would; a failing endpoint is a 401, never a server error; one answer serves the
 * same token's further requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntrospectionIT extends ServerTest {
    static final String AUDIENCE = "https://overturn.test/fhir";
    static final WireMockServer AS = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    static {
        AS.start();
        // Anything not stubbed below is a token the authorization server does not know.
        AS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/introspect").atPriority(10).willReturn(json("{\"active\":false}")));
    }

    @DynamicPropertySource
    static void introspection(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-introspection-it-")::toString);
        registry.add("overturn.security.introspection.uri", () -> "http://127.0.0.1:" + AS.port() + "/introspect");
        registry.add("overturn.security.introspection.client-id", () -> "overturn-rs");
        registry.add("overturn.security.introspection.client-secret", () -> "rs-secret");
        registry.add("overturn.security.introspection.issuer", () -> "https://as.test");
        registry.add("overturn.security.audience", () -> AUDIENCE);
        registry.add("logging.level.org.overturn.access", () -> "WARN");
    }

    String admin;
    String observation;

    @BeforeAll
    void seed() {
        admin = active("system/*.cruds", AUDIENCE, Instant.now().plusSeconds(600), null);
        Response patient = post("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Opaque\"}]}", "Authorization", admin);
        assertThat(patient.status()).as(patient.body()).isEqualTo(201);
        Response created = post("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/" + patient.json().path("id").asText() + "\"}}", "Authorization", admin);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        observation = created.json().path("id").asText();
    }

    @AfterAll
    void stop() {
        AS.stop();
    }

    @Test
    void opaqueTokenWhenActiveForThisServerThenItsScopesDecideAndOneAnswerServesItsRequests() {
        String reader = active("user/Observation.rs", AUDIENCE, Instant.now().plusSeconds(600), "https://as.test");
        String token = reader.substring("Bearer ".length());
        for (int i = 0; i < 5; i++) {
            Response read = get("Observation/" + observation, "Authorization", reader);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
        }
        Response write = post("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"y\"}}",
                "Authorization", reader);
        assertThat(write.assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        // One introspection for six requests, with the resource server's own credentials.
        AS.verify(1, postRequestedFor(urlPathEqualTo("/introspect")).withRequestBody(containing("token=" + token))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder()
                        .encodeToString("overturn-rs:rs-secret".getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void opaqueTokenWhenInactiveForAnotherServerExpiredOrUnknownThenUnauthorized() {
        String otherServer = active("user/*.cruds", "https://elsewhere.test/fhir", Instant.now().plusSeconds(600), null);
        String expired = active("user/*.cruds", AUDIENCE, Instant.now().minusSeconds(5), null);
        for (String authorization : new String[] {otherServer, expired, "Bearer never-issued-" + unique(), "Bearer"}) {
            Response r = get("Observation/" + observation, "Authorization", authorization);
            assertThat(r.assertOutcome(401)).as(authorization).isEqualTo("OVT-401");
            assertThat(r.body()).doesNotContain("\"status\":\"final\"");
        }
        assertThat(get("Observation/" + observation).assertOutcome(401)).isEqualTo("OVT-401");
    }

    @Test
    void introspectionEndpointWhenFailingThenUnauthorizedNotServerError() {
        String token = "failing-" + unique();
        AS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/introspect").atPriority(1).withRequestBody(containing("token=" + token))
                .willReturn(aResponse().withStatus(500)));
        Response r = get("Observation/" + observation, "Authorization", "Bearer " + token);
        assertThat(r.assertOutcome(401)).isEqualTo("OVT-401");
    }

    @Test
    void metadataWhenOnlyIntrospectionConfiguredThenTokensAreRequiredNotDevelopmentMode() {
        Response metadata = get("metadata");
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.body()).doesNotContain("DEVELOPMENT").contains("SMART-on-FHIR");
    }

    /** A token the authorization server answers as active, with these claims; returns the Authorization header. */
    private String active(String scope, String audience, Instant expiry, String issuer) {
        String token = "opaque-" + unique();
        AS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/introspect").atPriority(1).withRequestBody(containing("token=" + token)).willReturn(json(
                "{\"active\":true,\"scope\":\"" + scope + "\",\"aud\":\"" + audience + "\",\"exp\":" + expiry.getEpochSecond()
                        + ",\"client_id\":\"opaque-app\",\"sub\":\"user-1\""
                        + (issuer == null ? "" : ",\"iss\":\"" + issuer + "\"") + "}")));
        return "Bearer " + token;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }
}
