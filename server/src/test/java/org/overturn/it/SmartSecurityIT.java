package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SMART on FHIR authorization over real HTTP: two trusted issuers (RSA and EC keys, JWKS served by WireMock), tokens
 * minted here. Every attack on the token is answered 401 with an OperationOutcome and no data on every path; scopes v1
 * and v2 allow exactly their interactions; a patient-scoped token sees only its patient's compartment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartSecurityIT extends ServerTest {
    static final String EMPTY_BUNDLE = "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}";
    static final String AUDIENCE = "https://overturn.test/fhir";
    static final String ISSUER_A = "https://auth-a.test";
    static final String ISSUER_B = "https://auth-b.test";
    /** A trusted issuer whose key set cannot be read (its server fails). */
    static final String ISSUER_C = "https://auth-c.test";
    static final WireMockServer KEYS = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final RSAKey KEY_A = TestKeys.rsa("a1");
    static final ECKey KEY_B = TestKeys.ec("b1");
    /** An attacker's key, published only at a URL the attacker names in jku. */
    static final RSAKey EVIL = TestKeys.rsa("evil");

    static {
        KEYS.start();
        KEYS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/a/jwks.json").willReturn(jwks(new JWKSet(KEY_A.toPublicJWK()))));
        KEYS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/b/jwks.json").willReturn(jwks(new JWKSet(KEY_B.toPublicJWK()))));
        KEYS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/c/jwks.json")
                .willReturn(aResponse().withStatus(500)));
        KEYS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/evil/jwks.json").willReturn(jwks(new JWKSet(EVIL.toPublicJWK()))));
    }

    @DynamicPropertySource
    static void trustedIssuers(DynamicPropertyRegistry registry) throws java.io.IOException {
        // A data directory of its own: the other embedded-database tests' server may still be running in this JVM.
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-security-it-")::toString);
        registry.add("overturn.security.issuers[0].issuer", () -> ISSUER_A);
        registry.add("overturn.security.issuers[0].jwks-uri", () -> keys("/a/jwks.json"));
        registry.add("overturn.security.issuers[1].issuer", () -> ISSUER_B);
        registry.add("overturn.security.issuers[1].jwks-uri", () -> keys("/b/jwks.json"));
        registry.add("overturn.security.issuers[2].issuer", () -> ISSUER_C);
        registry.add("overturn.security.issuers[2].jwks-uri", () -> keys("/c/jwks.json"));
        registry.add("overturn.security.audience", () -> AUDIENCE);
        registry.add("overturn.security.authorization-endpoint", () -> ISSUER_A + "/authorize");
        registry.add("overturn.security.token-endpoint", () -> ISSUER_A + "/token");
        // Thousands of probe requests: their access lines would bury the build log.
        registry.add("logging.level.org.overturn.access", () -> "WARN");
    }

    /** Synthetic data: two patients, each with one Observation; the names mark what must never leak. */
    String marker;
    String patientA;
    String patientB;
    String observationA;
    String observationB;

    @BeforeAll
    void twoPatients() {
        marker = "Leak" + unique();
        String admin = bearer(systemToken("system/*.cruds"));
        patientA = createAs(admin, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "A\"}]}");
        patientB = createAs(admin, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "B\"}]}");
        observationA = createAs(admin, "Observation", observation(patientA, "A"));
        observationB = createAs(admin, "Observation", observation(patientB, "B"));
    }

    /** The checks below pass through a chain without the per-request Spring MVC handler lookup wrapped around it. */
    @Test
    void securityChainWhenIssuersTrustedThenNoSpringMvcHandlerLookupWrapsIt() {
        Object chain = context.getBean("springSecurityFilterChain");
        assertThat(chain.getClass().getName()).doesNotContain("WebMvcSecurityConfiguration");
        assertThat(chain).isInstanceOf(org.springframework.security.web.FilterChainProxy.class);
        assertThat(((org.springframework.security.web.FilterChainProxy) chain).getFilterChains()).hasSize(1);
    }

    // ---- item 1: every attack on the token is a 401 with an OperationOutcome, on every path ----

    @Test
    void requestWhenNoTokenThenUnauthorizedEverywhere() {
        assertRefusedEverywhere(null);
    }

    @Test
    void requestWhenAlgNoneThenUnauthorized() {
        assertRefusedEverywhere(new PlainJWT(claims(ISSUER_A, c -> c)).serialize());
    }

    @Test
    void requestWhenHs256SignedWithThePublicKeyThenUnauthorized() throws JOSEException {
        byte[] secret = KEY_A.toRSAPublicKey().getEncoded();
        assertRefusedEverywhere(sign(new MACSigner(secret), JWSAlgorithm.HS256, "a1", null, claims(ISSUER_A, c -> c)));
    }

    @Test
    void requestWhenAudienceIsAnotherServerThenUnauthorized() {
        assertRefusedEverywhere(tokenA(c -> c.audience("https://other.example/fhir")));
    }

    @Test
    void requestWhenExpiredThenUnauthorized() {
        assertRefusedEverywhere(tokenA(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))));
    }

    @Test
    void requestWhenNotYetValidThenUnauthorized() {
        assertRefusedEverywhere(tokenA(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))));
    }

    @Test
    void requestWhenNoExpiryThenUnauthorized() {
        assertRefusedEverywhere(tokenA(c -> c.expirationTime(null)));
    }

    @Test
    void requestWhenKidUnknownThenUnauthorized() throws JOSEException {
        RSAKey stranger = TestKeys.rsa("unknown-kid");
        KEYS.resetRequests();
        assertRefusedEverywhere(sign(new RSASSASigner(stranger), JWSAlgorithm.RS384, "unknown-kid", null, claims(ISSUER_A, c -> c)));
        // An unknown kid may make the decoder look at the issuer's key set again, but not once per request.
        assertThat(KEYS.findAll(getRequestedFor(urlPathEqualTo("/a/jwks.json")))).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void requestWhenSignedWithAnotherIssuersKeyThenUnauthorized() throws JOSEException {
        // Issuer B's name, issuer A's key: each issuer's tokens are checked with its own keys only.
        assertRefusedEverywhere(sign(new RSASSASigner(KEY_A), JWSAlgorithm.RS384, "a1", null, claims(ISSUER_B, c -> c)));
    }

    @Test
    void requestWhenIssuerUnknownThenUnauthorized() throws JOSEException {
        assertRefusedEverywhere(sign(new RSASSASigner(KEY_A), JWSAlgorithm.RS384, "a1", null, claims("https://evil.example", c -> c)));
    }

    @Test
    void requestWhenJkuPointsElsewhereThenItIsNotFollowed() throws JOSEException {
        KEYS.resetRequests();
        URI jku = URI.create(keys("/evil/jwks.json"));
        assertRefusedEverywhere(sign(new RSASSASigner(EVIL), JWSAlgorithm.RS384, "evil", jku, claims(ISSUER_A, c -> c)));
        KEYS.verify(0, getRequestedFor(urlPathEqualTo("/evil/jwks.json")));
    }

    @Test
    void requestWhenX5uOrEmbeddedJwkNameTheAttackersKeyThenNeitherIsUsed() throws JOSEException {
        KEYS.resetRequests();
        JWSHeader x5u = new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("evil")
                .x509CertURL(URI.create(keys("/evil/cert.pem"))).build();
        assertRefusedEverywhere(signWith(x5u, new RSASSASigner(EVIL), claims(ISSUER_A, c -> c)));
        JWSHeader embedded = new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("evil").jwk(EVIL.toPublicJWK()).build();
        assertRefusedEverywhere(signWith(embedded, new RSASSASigner(EVIL), claims(ISSUER_A, c -> c)));
        KEYS.verify(0, getRequestedFor(urlPathEqualTo("/evil/cert.pem")));
    }

    @Test
    void requestWhenValidTokenSentInTheQueryStringThenNotAccepted() {
        // Tokens in URLs end up in logs and browser histories: only the Authorization header is read.
        String token = systemToken("system/*.read");
        Response r = get("Observation/" + observationB + "?access_token=" + token);
        assertThat(r.assertOutcome(401)).isEqualTo("OVT-401");
        assertThat(r.body()).doesNotContain(marker);
    }

    @Test
    void requestWhenIssuersKeysCannotBeReadThenUnauthorizedNotServerError() throws JOSEException {
        RSAKey keyC = TestKeys.rsa("c1");
        assertRefusedEverywhere(sign(new RSASSASigner(keyC), JWSAlgorithm.RS384, "c1", null, claims(ISSUER_C, c -> c)));
    }

    @Test
    void requestWhenTokenHasNoScopeThenForbidden() {
        String auth = bearer(tokenA(c -> c.claim("scope", null)));
        assertThat(get("Observation/" + observationA, "Authorization", auth).assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(get("Observation?patient=" + patientA, "Authorization", auth).status()).isEqualTo(403);
        assertThat(get("metadata", "Authorization", auth).status()).isEqualTo(200);
    }

    @Test
    void requestWhenTokenIsGarbageThenUnauthorized() {
        assertRefusedEverywhere("not.a.token");
    }

    @Test
    void requestWhenValidTokenOfEitherIssuerThenAnswered() {
        assertThat(get("Observation/" + observationA, "Authorization", bearer(systemToken("system/*.read"))).status())
                .isEqualTo(200);
        String tokenB = sign(ecSigner(), JWSAlgorithm.ES384, "b1", null, claims(ISSUER_B, c -> c.claim("scope", "user/*.read")));
        Response read = get("Observation/" + observationB + "?_format=xml", "Authorization", bearer(tokenB));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).contains(marker + "-obs-B");
    }

    @Test
    void publicPathsWhenNoTokenThenAnswered() {
        assertThat(get("metadata").status()).isEqualTo(200);
        assertThat(get(root() + "/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(get(root() + "/cds-services").status()).isEqualTo(200); // CDS Hooks keeps its own scheme
        Response preflight = send("OPTIONS", "Patient/" + patientA, null, null,
                "Origin", "https://app.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "authorization");
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.raw().headers().allValues("Access-Control-Allow-Origin")).hasSize(1);
        Response refused = get("Patient/" + patientA, "Origin", "https://app.example");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.raw().headers().allValues("Access-Control-Allow-Origin")).hasSize(1);
    }

    @Test
    void cdsHooksWhenCalledWithItsOwnClientJwtThenNotCheckedAsASmartToken() {
        // CDS clients sign their own JWTs (CDS Hooks 2.0); the FHIR API's issuers do not apply to them.
        String discovery = root() + "/cds-services";
        Response r = get(discovery, "Authorization", "Bearer " + CdsTestClient.token(discovery, c -> {}));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    // ---- item 4: scopes, v1 and v2 ----

    @Test
    void v1ReadScopeWhenReadingAndWritingThenOnlyReadsAllowed() {
        String auth = bearer(systemToken("user/Observation.read"));
        assertThat(get("Observation/" + observationA, "Authorization", auth).status()).isEqualTo(200);
        assertThat(get("Observation?patient=" + patientA, "Authorization", auth).status()).isEqualTo(200);
        assertThat(post("Observation", observation(patientA, "x"), "Authorization", auth).assertOutcome(403))
                .isEqualTo("OVT-403-SCOPE");
        Response patient = get("Patient/" + patientA, "Authorization", auth);
        assertThat(patient.assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(patient.header("WWW-Authenticate")).isEqualTo("Bearer error=\"insufficient_scope\"");
        assertThat(patient.body()).doesNotContain(marker);
        assertThat(get("Patient?_id=" + patientA, "Authorization", auth).status()).isEqualTo(403);
        assertThat(post("Claim/$submit", EMPTY_BUNDLE, "Authorization", auth).status()).isEqualTo(403);
    }

    @Test
    void v1WriteScopeWhenWritingThenAllowedButNotReading() {
        String auth = bearer(systemToken("user/Observation.write"));
        assertThat(post("Observation", observation(patientA, "w"), "Authorization", auth).status()).isEqualTo(201);
        assertThat(get("Observation/" + observationA, "Authorization", auth).status()).isEqualTo(403);
    }

    @Test
    void v2ScopesWhenUsedThenEachLetterAllowsItsInteraction() {
        String rs = bearer(systemToken("user/Observation.rs"));
        assertThat(get("Observation/" + observationA, "Authorization", rs).status()).isEqualTo(200);
        assertThat(get("Observation?patient=" + patientA, "Authorization", rs).status()).isEqualTo(200);
        assertThat(post("Observation", observation(patientA, "v2"), "Authorization", rs).status()).isEqualTo(403);
        String r = bearer(systemToken("user/Observation.r"));
        assertThat(get("Observation/" + observationA, "Authorization", r).status()).isEqualTo(200);
        assertThat(get("Observation?patient=" + patientA, "Authorization", r).status()).isEqualTo(403);
        String c = bearer(systemToken("system/Observation.c"));
        String created = createAs(c, "Observation", observation(patientA, "c"));
        assertThat(delete("Observation/" + created, "Authorization", c).status()).isEqualTo(403);
        String cruds = bearer(systemToken("user/Observation.cruds"));
        assertThat(delete("Observation/" + created, "Authorization", cruds).status()).isIn(200, 204);
        // A scope claim sent as a JSON array (as some authorization servers do) counts too.
        String listed = bearer(tokenA(x -> x.claim("scope", List.of("openid", "user/Observation.rs"))));
        assertThat(get("Observation/" + observationA, "Authorization", listed).status()).isEqualTo(200);
        // Search without read: the matches are answered (s), a read by id is not (r).
        String searchOnly = bearer(patientToken(patientA, "patient/Observation.s"));
        Response matches = get("Observation?patient=" + patientA, "Authorization", searchOnly);
        assertThat(matches.status()).isEqualTo(200);
        assertThat(matches.json().path("entry")).isNotEmpty();
        assertThat(get("Observation/" + observationA, "Authorization", searchOnly).status()).isEqualTo(403);
        // Letters out of order grant nothing; a search restriction reaches only what matches it (this has no category).
        assertThat(get("Observation/" + observationA, "Authorization", bearer(systemToken("user/Observation.sr"))).status())
                .isEqualTo(403);
        assertThat(get("Observation/" + observationA, "Authorization",
                        bearer(systemToken("user/Observation.rs?category=laboratory"))).status())
                .isEqualTo(404);
    }

    @Test
    void v2ScopeWithASearchRestrictionWhenUsedThenOnlyMatchingResourcesAreReadOrFound() {
        String admin = bearer(systemToken("system/*.cruds"));
        String lab = createAs(admin, "Observation", categorized(patientA, "laboratory", "restricted-lab"));
        String vitals = createAs(admin, "Observation", categorized(patientA, "vital-signs", "restricted-vitals"));
        String labOfB = createAs(admin, "Observation", categorized(patientB, "laboratory", "restricted-lab-B"));
        String category = "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

        String system = bearer(systemToken("system/Observation.rs?" + category));
        assertThat(get("Observation/" + lab, "Authorization", system).status()).isEqualTo(200);
        for (String path : List.of("Observation/" + vitals, "Observation/" + vitals + "?_format=xml",
                "Observation/" + vitals + "/_history/1", "Observation/" + vitals + "/_history")) {
            assertThat(get(path, "Authorization", system).assertOutcome(404)).as(path).isEqualTo("OVT-404");
        }
        for (String search : List.of("Observation?_count=1000", "Observation?_count=1000&_format=xml",
                "Observation?code=http://loinc.org|8480-6&_count=1000", "Observation?category=vital-signs")) {
            Response r = get(search, "Authorization", system);
            assertThat(r.status()).as(search).isEqualTo(200);
            assertThat(r.body()).as(search).doesNotContain(vitals).doesNotContain("restricted-vitals");
        }
        assertThat(get("Observation?_count=1000", "Authorization", system).body()).contains(lab).contains(labOfB);
        // Included resources are checked as reads: no Patient without a Patient scope, no Observation outside the
        // restriction when it is included from elsewhere.
        Response included = get("Observation?_id=" + lab + "&_include=Observation:subject", "Authorization", system);
        assertThat(included.status()).isEqualTo(200);
        assertThat(included.json().path("entry").findValuesAsText("resourceType")).containsExactly("Observation");
        String withPatients = bearer(systemToken("system/Patient.rs system/Observation.rs?" + category));
        Response revIncluded = get("Patient?_id=" + patientA + "&_revinclude=Observation:subject&_count=1000",
                "Authorization", withPatients);
        assertThat(revIncluded.json().path("entry").findValuesAsText("id")).contains(patientA, lab).doesNotContain(vitals);
        assertThat(get("Observation/_history", "Authorization", system).status()).isEqualTo(403);
        // A restriction narrows reading and searching; it grants no writes.
        assertThat(post("Observation", categorized(patientA, "laboratory", "restricted-write"), "Authorization",
                bearer(systemToken("system/Observation.cruds?" + category))).status()).isEqualTo(403);

        String patient = bearer(patientToken(patientA, "patient/Observation.rs?" + category));
        Response own = get("Observation?_count=1000", "Authorization", patient);
        assertThat(own.body()).contains(lab).doesNotContain(vitals).doesNotContain(labOfB);
        assertThat(get("Observation/" + labOfB, "Authorization", patient).status()).isEqualTo(404);
        assertThat(get("Observation/" + vitals, "Authorization", patient).status()).isEqualTo(404);

        // Two restrictions of the same parameter allow what either allows; the client's criteria still narrow it.
        String both = bearer(patientToken(patientA, "patient/Observation.rs?" + category + " patient/Observation.rs?"
                + category.replace("laboratory", "vital-signs")));
        assertThat(get("Observation?_count=1000", "Authorization", both).json().path("entry").findValuesAsText("id"))
                .contains(lab, vitals).doesNotContain(labOfB);
        assertThat(get("Observation?category=vital-signs&_count=1000", "Authorization", both).json().path("entry")
                .findValuesAsText("id")).contains(vitals).doesNotContain(lab, labOfB);
        // Restrictions on different parameters cannot be one search yet: refused, saying so.
        String mixed = bearer(patientToken(patientA, "patient/Observation.rs?" + category
                + " patient/Observation.rs?code=http://loinc.org|8480-6"));
        Response refused = get("Observation", "Authorization", mixed);
        assertThat(refused.assertOutcome(403)).isEqualTo("OVT-403-PATIENT");
        assertThat(refused.body()).contains("same parameter");
        assertThat(get("Observation/" + vitals, "Authorization", mixed).status()).as("read by either restriction")
                .isEqualTo(200);
    }

    private static String categorized(String patient, String category, String label) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}],\"text\":\"" + label + "\"},"
                + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}";
    }

    // ---- patient compartment ----

    @Test
    void patientTokenWhenReadingAnotherPatientsDataThenNotFoundOnEveryPath() {
        for (String scope : List.of("patient/*.read", "patient/Observation.rs patient/Patient.rs")) {
            String auth = bearer(patientToken(patientA, scope));
            assertThat(get("Observation/" + observationA, "Authorization", auth).status()).isEqualTo(200);
            assertThat(get("Patient/" + patientA, "Authorization", auth).status()).isEqualTo(200);
            for (String path : List.of("Observation/" + observationB, "Observation/" + observationB + "?_format=xml",
                    "Observation/" + observationB + "?_pretty=true", "Observation/" + observationB + "/_history/1",
                    "Patient/" + patientB, "Observation/" + observationB + "/_history")) {
                Response r = get(path, "Authorization", auth);
                assertThat(r.assertOutcome(404)).as(path).isEqualTo("OVT-404");
                assertThat(r.body()).as(path).doesNotContain(marker + "B").doesNotContain(marker + "-obs-B");
            }
            // An unknown id and another patient's resource get the same answer.
            assertThat(get("Observation/" + observationB, "Authorization", auth).json().path("issue").get(0).path("diagnostics").asText())
                    .isEqualTo("Observation/" + observationB + " is not known");
        }
    }

    @Test
    void patientTokenWhenAResourceNamesAnotherServersPatientWithTheSameIdThenItIsNotInTheCompartment() {
        // A CDS assessment or an EHR's copy points at the EHR's Patient/<id>: a different person from ours.
        String admin = bearer(systemToken("system/*.cruds"));
        String elsewhere = createAs(admin, "Observation", observation(patientA, "EHR")
                .replace("\"Patient/" + patientA + "\"", "\"https://ehr.example.org/fhir/Patient/" + patientA + "\""));
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        assertThat(get("Observation/" + elsewhere, "Authorization", auth).assertOutcome(404)).isEqualTo("OVT-404");
        assertThat(get("Observation/" + elsewhere + "?_format=xml", "Authorization", auth).status()).isEqualTo(404);
        Response search = get("Observation?patient=" + patientA, "Authorization", auth);
        assertThat(search.json().path("entry").findValuesAsText("id")).contains(observationA).doesNotContain(elsewhere);
        assertThat(search.body()).doesNotContain(marker + "-obs-EHR");
    }

    @Test
    void patientTokenWhenSearchingThenOnlyItsCompartment() {
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        for (String path : List.of("Observation", "Observation?patient=" + patientB, "Observation?subject=Patient/" + patientB,
                "Observation?code=http://loinc.org|8480-6", "Patient", "Patient?_id=" + patientB,
                "Patient?family=" + marker + "B", "Observation?_format=xml", "Observation?_pretty=true")) {
            Response r = get(path, "Authorization", auth);
            assertThat(r.status()).as(path).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            r.json().path("entry").forEach(e -> ids.add(e.path("resource").path("id").asText()));
            assertThat(ids).as(path).doesNotContain(patientB, observationB);
            assertThat(r.body()).as(path).doesNotContain(marker + "-obs-B"); // the query itself is echoed in links
        }
        JsonNode own = get("Observation?patient=" + patientA, "Authorization", auth).json();
        assertThat(own.path("entry")).isNotEmpty();
        assertThat(post("Claim/$submit", EMPTY_BUNDLE, "Authorization", auth).status()).isEqualTo(403);
    }

    /**
     * A compartment search (Patient/[id]/[type]) names the patient: a patient token gets its own patient's, and a 403
     * with an OperationOutcome for another's rather than its own answered under the other's path.
     */
    @Test
    void patientTokenWhenSearchingACompartmentThenOnlyItsOwn() {
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        Response own = get("Patient/" + patientA + "/Observation", "Authorization", auth);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().path("entry").findValuesAsText("id")).contains(observationA).doesNotContain(observationB);
        Response other = get("Patient/" + patientB + "/Observation", "Authorization", auth);
        assertThat(other.assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(other.body()).doesNotContain(observationA).doesNotContain(observationB);
        Response system = get("Patient/" + patientB + "/Observation", "Authorization",
                bearer(systemToken("system/Observation.rs")));
        assertThat(system.json().path("entry").findValuesAsText("id")).contains(observationB).doesNotContain(observationA);
    }

    /**
     * _has reads resources of another type that no compartment narrows (an Observation of patient B pointing to a
     * Practitioner): a patient token is refused it (403 with an OperationOutcome), a token that searches every
     * Observation gets the answer.
     */
    @Test
    void hasWhenTheTokenDoesNotSearchEveryResourceOfTheReferringTypeThenForbidden() {
        String query = "Patient?_has:Observation:patient:code=http://loinc.org|8480-6&family=" + marker + "B";
        Response refused = get(query, "Authorization", bearer(patientToken(patientA, "patient/*.rs")));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(refused.body()).contains("_has:Observation").doesNotContain(patientB);
        Response answered = get(query, "Authorization", bearer(systemToken("system/Patient.rs system/Observation.rs")));
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        answered.json().path("entry").forEach(e -> ids.add(e.path("resource").path("id").asText()));
        assertThat(ids).containsExactly(patientB);
        Response onlyPatients = get(query, "Authorization", bearer(systemToken("system/Patient.rs")));
        assertThat(onlyPatients.status()).as("no Observation scope: " + onlyPatients.body()).isEqualTo(403);
    }

    /**
     * Type history with a patient scope holds the versions that were themselves in the token patient's compartment
     * (as a vread checks them), and deletions of resources filed under that patient: never a version about another
     * patient, even of a resource that is the patient's now. System history follows the same rule over the types the
     * token reads in the compartment.
     */
    @Test
    void patientTokenWhenAskingForTypeOrSystemHistoryThenOnlyVersionsOfItsCompartment() {
        String admin = bearer(systemToken("system/*.cruds"));
        String own = createAs(admin, "Observation", observation(patientA, "hist-A"));
        String since = get("Observation/" + own, "Authorization", admin).json().path("meta").path("lastUpdated").asText()
                .replace("+", "%2B");
        String others = createAs(admin, "Observation", observation(patientB, "hist-B"));
        // B's first, then moved to A: version 1 stays B's.
        String movedIn = createAs(admin, "Observation", observation(patientB, "hist-B-before-move"));
        assertThat(put("Observation/" + movedIn, observation(patientA, "hist-A-after-move").replace("{\"resourceType\"",
                "{\"id\":\"" + movedIn + "\",\"resourceType\""), "Authorization", admin).status()).isEqualTo(200);
        // A's first, then moved to B: version 1 stays A's, version 2 is B's.
        String movedOut = createAs(admin, "Observation", observation(patientA, "hist-A-before-move"));
        assertThat(put("Observation/" + movedOut, observation(patientB, "hist-B-after-move").replace("{\"resourceType\"",
                "{\"id\":\"" + movedOut + "\",\"resourceType\""), "Authorization", admin).status()).isEqualTo(200);
        // About A, performed by B: in both compartments.
        String shared = createAs(admin, "Observation", observation(patientA, "hist-shared")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + patientB + "\"}],\"subject\""));
        String deletedOwn = createAs(admin, "Observation", observation(patientA, "hist-A-deleted"));
        String deletedOthers = createAs(admin, "Observation", observation(patientB, "hist-B-deleted"));
        assertThat(delete("Observation/" + deletedOwn, "Authorization", admin).status()).isIn(200, 204);
        assertThat(delete("Observation/" + deletedOthers, "Authorization", admin).status()).isIn(200, 204);
        String conditionOfB = createAs(admin, "Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":"
                + "\"Patient/" + patientB + "\"},\"note\":[{\"text\":\"" + marker + "-obs-hist-B condition\"}]}");
        String conditionOfA = createAs(admin, "Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":"
                + "\"Patient/" + patientA + "\"}}");

        for (String scope : List.of("patient/*.read", "patient/Observation.rs", "patient/Observation.r")) {
            String auth = bearer(patientToken(patientA, scope));
            for (String history : List.of("Observation/_history", "_history")) {
                for (String format : List.of("", "&_format=json", "&_pretty=true")) {
                    Response r = get(history + "?_count=500&_since=" + since + format, "Authorization", auth);
                    assertThat(r.status()).as(scope + ": " + r.body()).isEqualTo(200);
                    List<String> versions = new ArrayList<>();
                    r.json().path("entry").forEach(e -> versions.add(e.path("fullUrl").asText()
                            .replaceFirst(".*/fhir/[A-Za-z]+/", "").replaceFirst("/_history/.*", "") + " "
                            + e.path("request").path("method").asText() + " "
                            + e.path("resource").path("meta").path("versionId").asText()));
                    assertThat(versions).as(scope).anyMatch(v -> v.startsWith(own + " "))
                            .anyMatch(v -> v.startsWith(shared + " "))
                            .anyMatch(v -> v.startsWith(movedIn + " ") && v.endsWith(" 2"))
                            .anyMatch(v -> v.startsWith(movedOut + " ") && v.endsWith(" 1"))
                            .anyMatch(v -> v.startsWith(deletedOwn + " DELETE"))
                            .noneMatch(v -> v.startsWith(others + " ") || v.startsWith(deletedOthers + " "))
                            .noneMatch(v -> v.startsWith(movedIn + " ") && v.endsWith(" 1"))
                            .noneMatch(v -> v.startsWith(movedOut + " ") && v.endsWith(" 2"));
                    assertThat(r.body()).as(scope).doesNotContain(marker + "-obs-hist-B").doesNotContain(others)
                            .doesNotContain(deletedOthers).doesNotContain(conditionOfB);
                    assertThat(r.json().has("total")).as("a total would count what was left out").isFalse();
                    // The system history holds A's other types when the scopes read them, never another type's.
                    boolean otherTypes = history.equals("_history") && scope.startsWith("patient/*");
                    assertThat(r.body().contains(conditionOfA)).as(scope + " " + history).isEqualTo(otherTypes);
                }
                Response xml = get(history + "?_count=500&_since=" + since, "Authorization", auth,
                        "Accept", "application/fhir+xml");
                assertThat(xml.status()).isEqualTo(200);
                assertThat(xml.body()).contains(own).doesNotContain(others).doesNotContain(marker + "-obs-hist-B");
                // Nothing through paging either: one entry a page, every page.
                String next = history + "?_count=1&_since=" + since;
                int pages = 0;
                while (next != null && pages < 50) {
                    Response page = get(next, "Authorization", auth);
                    assertThat(page.status()).as(next).isEqualTo(200);
                    assertThat(page.body()).as(next).doesNotContain(marker + "-obs-hist-B").doesNotContain(others);
                    next = null;
                    for (JsonNode link : page.json().path("link")) {
                        if (link.path("relation").asText().equals("next")) {
                            next = link.path("url").asText().replaceFirst("^.*/fhir/?", "");
                        }
                    }
                    pages++;
                }
                assertThat(pages).as("pages of one entry").isGreaterThanOrEqualTo(5);
            }
        }
        // A Binary is in no compartment: its type history shows a patient token nothing.
        assertThat(get("Binary/_history", "Authorization", bearer(patientToken(patientA, "patient/*.rs"))).json()
                .path("entry")).isEmpty();
        // Under a search-restricted scope, type and system history stay refused, saying what to do instead.
        String restricted = bearer(patientToken(patientA, "patient/Observation.rs?category=laboratory"));
        assertThat(get("Observation/_history", "Authorization", restricted).status()).isEqualTo(403);
        Response system = get("_history", "Authorization", restricted);
        assertThat(system.assertOutcome(403)).isEqualTo("OVT-403-PATIENT");
        assertThat(system.body()).contains("[type]/_history");
    }

    /**
     * Instance history by the rule of type history and vread: each version by its own compartments. An Observation
     * about B (versions 1, 2) moved to A (versions 3, 4), then deleted: A sees 3, 4 and the deletion, B its own 1 and
     * 2 (which it may vread) though it no longer reads the resource, and a third patient gets 404 on every path.
     */
    @Test
    void patientTokenWhenAskingForInstanceHistoryThenOnlyTheVersionsThatWereInItsCompartment() {
        String admin = bearer(systemToken("system/*.cruds"));
        String moved = createAs(admin, "Observation", observation(patientB, "inst-B-1"));
        String ref = "Observation/" + moved;
        for (String[] change : new String[][] {{patientB, "inst-B-2"}, {patientA, "inst-A-3"}, {patientA, "inst-A-4"}}) {
            assertThat(put(ref, observation(change[0], change[1]).replace("{\"resourceType\"",
                    "{\"id\":\"" + moved + "\",\"resourceType\""), "Authorization", admin).status()).isEqualTo(200);
        }
        String outsider = createAs(admin, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "D\"}]}");
        for (String scope : List.of("patient/*.read", "patient/Observation.rs", "patient/Observation.r")) {
            String a = bearer(patientToken(patientA, scope));
            String b = bearer(patientToken(patientB, scope));
            for (String format : List.of("", "?_format=json", "?_pretty=true", "?_format=xml")) {
                Response ofA = get(ref + "/_history" + format, "Authorization", a);
                assertThat(ofA.status()).as(scope + format + ": " + ofA.body()).isEqualTo(200);
                assertThat(ofA.body()).as(scope + format).contains(marker + "-obs-inst-A-4", marker + "-obs-inst-A-3")
                        .doesNotContain(marker + "-obs-inst-B");
                Response ofB = get(ref + "/_history" + format, "Authorization", b);
                assertThat(ofB.status()).as(scope + format + ": " + ofB.body()).isEqualTo(200);
                assertThat(ofB.body()).as(scope + format).contains(marker + "-obs-inst-B-2", marker + "-obs-inst-B-1")
                        .doesNotContain(marker + "-obs-inst-A");
            }
            assertThat(versions(get(ref + "/_history", "Authorization", a).json())).as(scope).containsExactly("4", "3");
            assertThat(get(ref + "/_history", "Authorization", a).json().path("total").asInt()).isEqualTo(2);
            assertThat(versions(get(ref + "/_history", "Authorization", b).json())).as(scope).containsExactly("2", "1");
            // Page by page, the pages hold only the caller's versions and end with them.
            List<String> paged = new ArrayList<>();
            String next = ref + "/_history?_count=1";
            while (next != null && paged.size() < 10) {
                JsonNode page = get(next, "Authorization", a).json();
                paged.addAll(versions(page));
                next = null;
                for (JsonNode link : page.path("link")) {
                    if (link.path("relation").asText().equals("next")) {
                        next = link.path("url").asText().replaceFirst("^.*/fhir/?", "");
                    }
                }
            }
            assertThat(paged).as(scope + " paged").containsExactly("4", "3");
            // As vread answers: B reads its own versions but no longer the resource, A the other way round.
            assertThat(get(ref, "Authorization", b).status()).isEqualTo(404);
            assertThat(get(ref + "/_history/1", "Authorization", b).status()).isEqualTo(200);
            assertThat(get(ref + "/_history/1", "Authorization", a).status()).isEqualTo(404);
            String d = bearer(patientToken(outsider, scope));
            for (String path : List.of(ref + "/_history", ref + "/_history?_since=2999-01-01T00:00:00Z",
                    ref + "/_history?_format=xml", "Observation/nothing-" + unique() + "/_history")) {
                Response r = get(path, "Authorization", d);
                assertThat(r.assertOutcome(404)).as(path).isEqualTo("OVT-404");
                assertThat(r.body()).as(path).doesNotContain(marker + "-obs-inst");
            }
        }
        // A deletion enters by the version it deleted: A's history shows it, B's does not.
        assertThat(delete(ref, "Authorization", admin).status()).isIn(200, 204);
        String a = bearer(patientToken(patientA, "patient/*.rs"));
        String b = bearer(patientToken(patientB, "patient/*.rs"));
        assertThat(versions(get(ref + "/_history", "Authorization", a).json())).containsExactly("DELETE", "4", "3");
        assertThat(versions(get(ref + "/_history", "Authorization", b).json())).containsExactly("2", "1");
        // Those who reach every Observation see every version.
        assertThat(versions(get(ref + "/_history", "Authorization", admin).json()))
                .containsExactly("DELETE", "4", "3", "2", "1");
    }

    /** Each history entry's version, or DELETE for a deletion (which has no resource). */
    private static List<String> versions(JsonNode bundle) {
        List<String> versions = new ArrayList<>();
        bundle.path("entry").forEach(e -> versions.add(e.path("request").path("method").asText().equals("DELETE")
                ? "DELETE" : e.path("resource").path("meta").path("versionId").asText()));
        return versions;
    }

    @Test
    void patientTokenWhenIncludingThenOnlyWhatItMayReadIsIncludedAndIteratedIncludesGoOnOnlyFromThat() {
        String admin = bearer(systemToken("system/*.cruds"));
        // An Observation about A performed by B: in both compartments, so A's token finds it, but B stays B's.
        String ofAByB = createAs(admin, "Observation", observation(patientA, "incl-A")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + patientB + "\"}],\"subject\""));
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        for (String query : List.of("Observation?_id=" + ofAByB + "&_include=Observation:performer&_include=Observation:subject",
                "Observation?_id=" + ofAByB + "&_include=*", "Observation?_include=Observation:subject&_count=1000",
                "Observation?_id=" + ofAByB + "&_include=Observation:performer&_format=xml")) {
            Response r = get(query, "Authorization", auth);
            assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
            assertThat(r.body()).as(query).contains(ofAByB).contains(patientA);
            assertNothingOfB(r, query, List.of(patientB, observationB));
        }
        JsonNode withPatient = get("Observation?_id=" + ofAByB + "&_include=Observation:subject", "Authorization", auth).json();
        assertThat(withPatient.path("entry").findValuesAsText("mode")).contains("match", "include");
        Response rev = get("Patient?_id=" + patientA + "&_revinclude=Observation:subject&_revinclude=Observation:performer",
                "Authorization", auth);
        assertThat(rev.body()).contains(observationA).contains(ofAByB);
        assertNothingOfB(rev, "revinclude", List.of(patientB, observationB));
        // B's own token sees the shared Observation and itself, not A.
        Response ofB = get("Observation?_id=" + ofAByB + "&_include=Observation:subject", "Authorization",
                bearer(patientToken(patientB, "patient/*.rs")));
        assertThat(ofB.json().path("entry").findValuesAsText("id")).contains(ofAByB).doesNotContain(patientA);

        // Iterated includes go on only from what A may read. From A through the Observation A shares with B, the walk
        // reaches B (left out); from B it would reach B's Observation and its performer, a Practitioner in no
        // compartment, which A's token could read by id: none of it is included, since the walk never leaves B.
        String practitioner = createAs(admin, "Practitioner",
                "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"" + marker + "Bperformer\"}]}");
        String ofBByPractitioner = createAs(admin, "Observation", observation(patientB, "B-by-practitioner")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Practitioner/" + practitioner + "\"}],\"subject\""));
        String walk = "Patient?_id=" + patientA + "&_revinclude=Observation:subject&_include:iterate=Observation:performer"
                + "&_revinclude:iterate=Observation:subject";
        List<String> reachedThroughB = List.of(patientB, observationB, ofBByPractitioner, practitioner);
        for (String query : List.of(walk, walk + "&_format=xml", walk.replace(":iterate", ":recurse"),
                "Observation?_id=" + ofAByB + "&_include:iterate=*&_include:iterate=Observation:performer"
                        + "&_revinclude:iterate=Observation:subject&_revinclude:iterate=Provenance:target")) {
            Response r = get(query, "Authorization", auth);
            assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
            assertThat(r.body()).as(query).contains(ofAByB);
            assertNothingOfB(r, query, reachedThroughB);
            Response batch = post("", batchOf(query), "Authorization", auth);
            assertThat(batch.status()).as("batch " + query + ": " + batch.body()).isEqualTo(200);
            assertThat(batch.body()).as("batch " + query).contains(ofAByB);
            assertNothingOfB(batch, "batch " + query, reachedThroughB);
        }
        // The walk itself reaches the Practitioner for a caller who reaches everything, and A's token may read the
        // Practitioner by id: only the way through B was closed.
        assertThat(get(walk, "Authorization", admin).json().path("entry").findValuesAsText("id"))
                .contains(ofAByB, patientB, ofBByPractitioner, practitioner);
        assertThat(get("Practitioner/" + practitioner, "Authorization", auth).status()).isEqualTo(200);
        // _has filters by resources the token may not see: refused, saying what to ask instead, here and in a batch.
        String has = "Patient?_has:Observation:patient:code=http://loinc.org|8480-6";
        Response refused = get(has, "Authorization", auth);
        assertThat(refused.assertOutcome(403)).isEqualTo("OVT-403-PATIENT");
        assertThat(refused.body()).contains("Search the other type first");
        assertThat(post("", batchOf(has), "Authorization", auth).status()).isEqualTo(403);
    }

    // ---- item 2 and 4: operations declare what they read and write; the store checks every read ----

    @Test
    void operationWhenPatientTokenThenItsOwnCaseOnlyAndNothingOfAnotherPatientByReference() {
        String admin = bearer(systemToken("system/*.cruds"));
        Map<String, String> ids = load(org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson(), "Authorization", admin);
        String patient = ids.get("Patient");
        JsonNode coverage = get("Coverage/" + ids.get("Coverage"), "Authorization", admin).json();
        String family = get("Patient/" + patient, "Authorization", admin).json().path("name").path(0).path("family").asText();
        String member = coverage.path("subscriberId").asText();
        assertThat(family).isNotBlank();
        String claim = createAs(admin, "Claim", claim(patient, ids, ids.get("Coverage")));

        // The patient's own app writes the letter for the patient's own case.
        String own = bearer(patientToken(patient, "patient/*.cruds"));
        Response letter = post("Claim/" + claim + "/$generate-letter", KIND, "Authorization", own);
        assertThat(letter.status()).as(letter.body()).isEqualTo(200);
        assertThat(letter.json().path("subject").path("reference").asText()).isEqualTo("Patient/" + patient);

        // Another patient's token: the case is unknown to it.
        String other = bearer(patientToken(patientA, "patient/*.cruds"));
        assertThat(post("Claim/" + claim + "/$generate-letter", KIND, "Authorization", other).assertOutcome(404))
                .isEqualTo("OVT-404");
        // A case of its own that names the first patient's coverage and order: the operation follows the
        // references, and the store answers them as unknown, so nothing of the first patient reaches the answer.
        String planted = createAs(admin, "Claim", claim(patientA, ids, ids.get("Coverage")));
        Response crossed = post("Claim/" + planted + "/$generate-letter", KIND, "Authorization", other);
        assertThat(decoded(crossed.body())).as("answer %s", crossed.status())
                .doesNotContain(family).doesNotContain(ids.get("Coverage"));
        if (!member.isBlank()) {
            assertThat(decoded(crossed.body())).doesNotContain(member);
        }
        // Without a write scope for what the operation writes, it is refused before it runs.
        String readOnly = bearer(patientToken(patient, "patient/*.rs"));
        assertThat(post("Claim/" + claim + "/$generate-letter", KIND, "Authorization", readOnly).assertOutcome(403))
                .isEqualTo("OVT-403-SCOPE");
        // $render-pdf writes the letter it is called on: the patient's own, not another's, and not without a write scope.
        String rendered = "DocumentReference/" + letter.json().path("id").asText() + "/$render-pdf";
        Response ownRender = post(rendered, "{\"resourceType\":\"Parameters\"}", "Authorization", own);
        assertThat(ownRender.status()).as(ownRender.body()).isEqualTo(200);
        assertThat(post(rendered, "{\"resourceType\":\"Parameters\"}", "Authorization", other).assertOutcome(404))
                .isEqualTo("OVT-404");
        assertThat(post(rendered, "{\"resourceType\":\"Parameters\"}", "Authorization", readOnly).assertOutcome(403))
                .isEqualTo("OVT-403-SCOPE");
        // One also in another patient's compartment (its author) is not the patient's alone to rewrite, as by PUT.
        String shared = createAs(admin, "DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"author\":[{\"reference\":\"Patient/" + patientA + "\"}],"
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/markdown\",\"data\":\"IyBTeW50aGV0aWMgbm90ZQo=\"}}]}");
        assertThat(post("DocumentReference/" + shared + "/$render-pdf", "{\"resourceType\":\"Parameters\"}", "Authorization", own)
                .assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(get("DocumentReference/" + shared, "Authorization", admin).json().path("meta").path("versionId").asText())
                .isEqualTo("1");
        // $submit stores what it is sent: a user or system scope only.
        assertThat(post("Claim/$submit", EMPTY_BUNDLE, "Authorization", own).assertOutcome(403))
                .isEqualTo("OVT-403-PATIENT");
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void startUpWorkWhenTokensRequiredThenItRunsAsTheServerAndPublishesEachQuestionnaireOnce() throws Exception {
        String admin = bearer(systemToken("system/Questionnaire.rs"));
        String before = get("Questionnaire/pa-alectinib", "Authorization", admin).json().path("meta").path("versionId").asText();
        // What a restart does: publish the packaged Questionnaires again; an unchanged one is not written again.
        context.getBean("publishQuestionnaires", org.springframework.boot.ApplicationRunner.class)
                .run(new org.springframework.boot.DefaultApplicationArguments());
        String after = get("Questionnaire/pa-alectinib", "Authorization", admin).json().path("meta").path("versionId").asText();
        assertThat(after).isEqualTo(before).isNotEmpty();
    }

    @Test
    void patientTokenWhenReadingDirectoriesThenTheyAreShared() {
        String admin = bearer(systemToken("system/*.cruds"));
        String practitioner = createAs(admin, "Practitioner",
                "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"" + marker + "Prescriber\"}]}");
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        assertThat(get("Practitioner/" + practitioner, "Authorization", auth).status()).isEqualTo(200);
        assertThat(get("Practitioner?_id=" + practitioner, "Authorization", auth).json().path("entry")).hasSize(1);
        // Shared for reading only.
        String writer = bearer(patientToken(patientA, "patient/*.cruds"));
        assertThat(post("Practitioner", "{\"resourceType\":\"Practitioner\"}", "Authorization", writer).status())
                .isEqualTo(403);
    }

    private static final String KIND =
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"kind\",\"valueCode\":\"medical-necessity\"}]}";

    private static String claim(String patient, Map<String, String> ids, String coverage) {
        return "{\"resourceType\":\"Claim\",\"status\":\"active\",\"use\":\"preauthorization\","
                + "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"pharmacy\"}]},"
                + "\"patient\":{\"reference\":\"Patient/" + patient + "\"},\"created\":\"2026-12-01\","
                + "\"provider\":{\"reference\":\"Practitioner/" + ids.get("Practitioner") + "\"},"
                + "\"priority\":{\"coding\":[{\"code\":\"normal\"}]},"
                + "\"prescription\":{\"reference\":\"MedicationRequest/" + ids.get("MedicationRequest") + "\"},"
                + "\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"reference\":\"Coverage/" + coverage + "\"}}],"
                + "\"item\":[{\"sequence\":1,\"productOrService\":{\"text\":\"alectinib\"}}]}";
    }

    /** The answer with every base64 attachment decoded, so that a letter's text is searched too. */
    private static String decoded(String body) {
        StringBuilder all = new StringBuilder(body);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"").matcher(body);
        while (m.find()) {
            all.append('\n').append(new String(java.util.Base64.getDecoder().decode(m.group(1)), java.nio.charset.StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    @Test
    void patientTokenWhenWritingOutsideItsCompartmentThenRefused() {
        String auth = bearer(patientToken(patientA, "patient/Observation.cruds"));
        assertThat(post("Observation", observation(patientB, "planted"), "Authorization", auth).status()).isEqualTo(403);
        String ownId = createAs(auth, "Observation", observation(patientA, "own"));
        String moved = observation(patientB, "moved").replace("{\"resourceType\":\"Observation\"",
                "{\"resourceType\":\"Observation\",\"id\":\"" + ownId + "\"");
        assertThat(put("Observation/" + ownId, moved, "Authorization", auth).status()).isEqualTo(403);
        String taken = observation(patientA, "taken").replace("{\"resourceType\":\"Observation\"",
                "{\"resourceType\":\"Observation\",\"id\":\"" + observationB + "\"");
        assertThat(put("Observation/" + observationB, taken, "Authorization", auth).assertOutcome(404)).isEqualTo("OVT-404");
        assertThat(delete("Observation/" + observationB, "Authorization", auth).assertOutcome(404)).isEqualTo("OVT-404");
        // A conditional delete is matched within A's compartment: B's Observations are not matches, so none is deleted.
        assertThat(delete("Observation?patient=" + patientB, "Authorization", auth).status()).isIn(200, 204);
        String admin = bearer(systemToken("system/*.read"));
        assertThat(get("Observation/" + observationB, "Authorization", admin).body()).contains(marker + "-obs-B");
    }

    @Test
    void patientTokenWhenTransactionReachesOutsideThenRefused() {
        String auth = bearer(patientToken(patientA, "patient/*.cruds"));
        String reading = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"GET\","
                + "\"url\":\"Observation/" + observationB + "\"}}]}";
        Response r = post("", reading, "Authorization", auth);
        assertThat(r.status()).isEqualTo(404); // read as at the top level: unknown to A, so the transaction fails
        assertThat(r.body()).doesNotContain(marker + "-obs-B");
        String planting = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + observation(patientB, "tx") + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
        assertThat(post("", planting, "Authorization", auth).status()).isEqualTo(403);
        String deleting = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"DELETE\","
                + "\"url\":\"Observation/" + observationB + "\"}}]}";
        Response d = post("", deleting, "Authorization", auth);
        assertThat(d.status()).isIn(200, 404);
        assertThat(get("Observation/" + observationB, "Authorization", bearer(systemToken("system/*.read"))).status())
                .isEqualTo(200);
    }

    /** Reads and searches inside a batch are answered as at the top level: the own compartment, nothing else. */
    @Test
    void patientTokenWhenReadingInsideABatchThenAnsweredAsAtTheTopLevel() {
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        Response r = post("", batchOf("Observation/" + observationA, "Observation/" + observationB,
                "Observation?patient=" + patientA, "Observation?patient=" + patientB, "Observation?_total=accurate"),
                "Authorization", auth);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode entries = r.json().path("entry");
        assertThat(entries.get(0).path("response").path("status").asText()).startsWith("200");
        assertThat(entries.get(0).path("resource").path("id").asText()).isEqualTo(observationA);
        assertThat(entries.get(1).path("response").path("status").asText()).startsWith("404");
        assertThat(resourceIds(entries.get(2))).contains(observationA);
        assertThat(resourceIds(entries.get(3))).isEmpty();
        assertThat(resourceIds(entries.get(4))).contains(observationA).doesNotContain(observationB);
        assertThat(r.body()).doesNotContain(marker + "-obs-B");
        // Histories are narrowed as at the top level: type and system history to A's compartment, B's instance
        // history and vread unknown.
        Response histories = post("", batchOf("Observation/_history?_count=1000", "_history?_count=1000",
                "Observation/" + observationB + "/_history", "Observation/" + observationB + "/_history/1",
                "Observation/" + observationA + "/_history"), "Authorization", auth);
        assertThat(histories.status()).as(histories.body()).isEqualTo(200);
        JsonNode answers = histories.json().path("entry");
        assertThat(resourceIds(answers.get(0))).contains(observationA).doesNotContain(observationB);
        assertThat(resourceIds(answers.get(1))).contains(observationA).doesNotContain(observationB, patientB);
        assertThat(answers.get(2).path("response").path("status").asText()).startsWith("404");
        assertThat(answers.get(3).path("response").path("status").asText()).startsWith("404");
        assertThat(resourceIds(answers.get(4))).contains(observationA);
        assertThat(histories.body()).doesNotContain(marker + "-obs-B").doesNotContain(marker + "B");
        // What the top level refuses a patient scope is refused inside a Bundle too.
        for (String refused : List.of("Observation?_has:Provenance:target:agent=x", "_search?_type=Observation")) {
            assertThat(post("", batchOf(refused), "Authorization", auth).status()).as(refused).isEqualTo(403);
        }
    }

    private static String batchOf(String... urls) {
        StringBuilder entries = new StringBuilder();
        for (String url : urls) {
            entries.append(entries.length() == 0 ? "" : ",").append("{\"request\":{\"method\":\"GET\",\"url\":\"")
                    .append(url).append("\"}}");
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + entries + "]}";
    }

    /** The ids of every resource in an answer, nested Bundles included, but not of the Bundles and outcomes. */
    private static List<String> resourceIds(JsonNode node) {
        List<String> ids = new ArrayList<>();
        String type = node.path("resourceType").asText();
        if (!type.isEmpty() && !type.equals("Bundle") && !type.equals("OperationOutcome")) {
            ids.add(node.path("id").asText());
        }
        node.forEach(child -> ids.addAll(resourceIds(child)));
        return ids;
    }

    /**
     * Cross-patient probes: one resource of each patient-compartment type for patient B, then every way this slice
     * offers to read or search it, with patient A's v1 and v2 tokens. No answer may contain it.
     */
    @Test
    void patientTokenWhenProbingEveryTypeOfAnotherPatientThenNothingLeaks() {
        String admin = bearer(systemToken("system/*.cruds"));
        String b = "Patient/" + patientB;
        Map<String, String> others = new LinkedHashMap<>();
        others.put("Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("Observation", observation(patientB, "probe"));
        others.put("MedicationStatement", "{\"resourceType\":\"MedicationStatement\",\"status\":\"active\","
                + "\"medicationCodeableConcept\":{\"text\":\"alectinib\"},\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("MedicationRequest", "{\"resourceType\":\"MedicationRequest\",\"status\":\"draft\",\"intent\":\"order\","
                + "\"medicationCodeableConcept\":{\"text\":\"alectinib\"},\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("Procedure", "{\"resourceType\":\"Procedure\",\"status\":\"completed\",\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("AllergyIntolerance", "{\"resourceType\":\"AllergyIntolerance\",\"patient\":{\"reference\":\"" + b + "\"}}");
        others.put("DiagnosticReport", "{\"resourceType\":\"DiagnosticReport\",\"status\":\"final\",\"code\":{\"text\":\"NGS\"},"
                + "\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"content\":[{\"attachment\":"
                + "{\"contentType\":\"text/plain\",\"data\":\"c3ludGhldGlj\"}}],\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("Coverage", "{\"resourceType\":\"Coverage\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"" + b + "\"},"
                + "\"payor\":[{\"display\":\"Synthetic payer\"}]}");
        others.put("QuestionnaireResponse", "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\","
                + "\"subject\":{\"reference\":\"" + b + "\"}}");
        others.put("Communication", "{\"resourceType\":\"Communication\",\"status\":\"completed\",\"subject\":{\"reference\":\"" + b + "\"}}");
        List<Map.Entry<String, String>> ids = new ArrayList<>();
        others.forEach((type, json) -> ids.add(Map.entry(type, createAs(admin, type, json))));
        ids.add(Map.entry("Patient", patientB));
        // Several patients in one compartment, none of them A: B's subject with C as performer, a Provenance for both.
        String c = createAs(admin, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "B-C\"}]}");
        ids.add(Map.entry("Observation", createAs(admin, "Observation", observation(patientB, "shared")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + c + "\"}],\"subject\""))));
        ids.add(Map.entry("Provenance", createAs(admin, "Provenance", "{\"resourceType\":\"Provenance\",\"target\":["
                + "{\"reference\":\"" + b + "\"},{\"reference\":\"Patient/" + c + "\"}],\"recorded\":\"2025-01-01T00:00:00Z\","
                + "\"agent\":[{\"who\":{\"display\":\"" + marker + "B agent\"}}]}")));
        // Another server's Patient with A's id: not A, so not A's to see.
        ids.add(Map.entry("Observation", createAs(admin, "Observation", observation(patientA, "Bremote")
                .replace("\"Patient/" + patientA + "\"", "\"https://other.example/fhir/Patient/" + patientA + "\""))));
        ids.add(Map.entry("Condition", createAs(admin, "Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":"
                + "\"https://other.example/fhir/Patient/" + patientA + "\"},\"note\":[{\"text\":\"" + marker + "B remote\"}]}")));
        List<String> forbiddenIds = ids.stream().map(Map.Entry::getValue).toList();

        // B's Observation moved to A: A reads it now, but none of its versions about B on any history path.
        String moved = createAs(admin, "Observation", observation(patientB, "B-moved"));
        assertThat(put("Observation/" + moved, observation(patientA, "A-moved").replace("{\"resourceType\"",
                "{\"id\":\"" + moved + "\",\"resourceType\""), "Authorization", admin).status()).isEqualTo(200);

        int probes = 0;
        for (String scope : List.of("patient/*.read", "patient/*.rs")) {
            String auth = bearer(patientToken(patientA, scope));
            String movedRef = "Observation/" + moved;
            for (String read : List.of(movedRef + "/_history", movedRef + "/_history?_format=xml",
                    movedRef + "/_history?_pretty=true", movedRef + "/_history?_count=1&_offset=1", movedRef + "/_history/1")) {
                Response r = get(read, "Authorization", auth);
                assertThat(r.status()).as(read).isEqualTo(read.endsWith("/_history/1") ? 404 : 200);
                assertThat(r.body()).as(read).doesNotContain(marker + "-obs-B-moved");
                probes++;
            }
            for (Map.Entry<String, String> e : ids) {
                String ref = e.getKey() + "/" + e.getValue();
                for (String read : List.of(ref, ref + "?_format=xml", ref + "?_pretty=true", ref + "?_format=json",
                        ref + "?_summary=true", ref + "?_elements=id", ref + "/_history/1", ref + "/_history")) {
                    Response r = get(read, "Authorization", auth);
                    assertThat(r.status()).as(read).isEqualTo(404);
                    assertThat(r.body()).as(read).doesNotContain(marker + "B").doesNotContain("\"" + e.getValue() + "\",");
                    probes++;
                }
                Response xml = get(ref, "Authorization", auth, "Accept", "application/fhir+xml");
                assertThat(xml.status()).as(ref + " as XML").isEqualTo(404);
                probes++;
                String type = e.getKey();
                int own = 0;
                for (String search : List.of(type, type + "?patient=" + patientB, type + "?_id=" + e.getValue(),
                        type + "?_lastUpdated=gt2000-01-01", type + "?_format=xml", type + "?_count=1000&_total=accurate",
                        type + "?_summary=count", type + "/_history?_count=1000", type + "?_include:iterate=*",
                        type + "?_revinclude:iterate=*", type + "?_has:Provenance:target:_id=" + e.getValue())) {
                    Response r = get(search, "Authorization", auth);
                    probes++;
                    if (r.status() != 200) {
                        assertThat(r.status()).as(search).isIn(400, 403); // refused, never answered with data
                        continue;
                    }
                    JsonNode bundle = r.json();
                    List<String> found = new ArrayList<>();
                    bundle.path("entry").forEach(x -> found.add(x.path("resource").path("id").asText()));
                    assertThat(found).as(search).doesNotContainAnyElementsOf(forbiddenIds);
                    if (search.equals(type)) {
                        own = found.size(); // what patient A may see of this type (all on one page)
                    } else if (bundle.has("total")) {
                        assertThat(bundle.path("total").asInt()).as(search + " total counts only A's").isLessThanOrEqualTo(own);
                    }
                }
                // The same reads inside a batch, entry by entry as at the top level.
                Response batch = post("", batchOf(ref, type + "?patient=" + patientB, type + "?_id=" + e.getValue(),
                        type + "?_total=accurate"), "Authorization", auth);
                probes += 4;
                assertThat(batch.status()).as("batch " + ref).isIn(200, 403);
                assertThat(batch.body()).as("batch " + ref).doesNotContain(marker + "B");
                assertThat(resourceIds(batch.json())).as("batch " + ref).doesNotContainAnyElementsOf(forbiddenIds);
            }
        }
        System.out.println("Cross-patient probes by type, none answered with data outside A's compartment: " + probes);
        assertThat(probes).isGreaterThanOrEqualTo(2 * 16 * 16 + 2 * 5);
    }

    /**
     * A Binary is in no compartment: a patient token reads it only through its securityContext, a resource the token
     * may read; without one (or with another server's) only user and system scopes read it.
     */
    @Test
    void patientTokenWhenReadingABinaryThenOnlyThroughASecurityContextItMayRead() {
        String admin = bearer(systemToken("system/*.cruds"));
        String docA = createAs(admin, "DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"c3ludGhldGlj\"}}],"
                + "\"subject\":{\"reference\":\"Patient/" + patientA + "\"}}");
        String ofA = createAs(admin, "Binary", binary("DocumentReference/" + docA));
        String ofB = createAs(admin, "Binary", binary("Observation/" + observationB));
        String ofPatientA = createAs(admin, "Binary", binary("Patient/" + patientA));
        String bare = createAs(admin, "Binary", binary(null));
        String remote = createAs(admin, "Binary", binary("https://other.example/fhir/Patient/" + patientA));
        String auth = bearer(patientToken(patientA, "patient/*.rs"));
        for (String id : List.of(ofA, ofPatientA)) {
            for (String path : List.of("Binary/" + id, "Binary/" + id + "?_format=json", "Binary/" + id + "/_history/1")) {
                assertThat(get(path, "Authorization", auth, "Accept", "application/fhir+json").status()).as(path).isEqualTo(200);
            }
        }
        for (String id : List.of(ofB, bare, remote)) {
            for (String path : List.of("Binary/" + id, "Binary/" + id + "?_format=json", "Binary/" + id + "?_format=xml",
                    "Binary/" + id + "/_history/1", "Binary/" + id + "/_history")) {
                Response r = get(path, "Authorization", auth, "Accept", "application/fhir+json");
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.body()).as(path).doesNotContain("c3ludGhldGlj");
            }
        }
        String userToken = bearer(tokenA(c -> c.claim("scope", "user/Binary.rs")));
        assertThat(get("Binary/" + bare, "Authorization", userToken, "Accept", "application/fhir+json").status()).isEqualTo(200);
        // B's token does not read A's Binary either.
        assertThat(get("Binary/" + ofA, "Authorization", bearer(patientToken(patientB, "patient/*.rs")),
                "Accept", "application/fhir+json").status()).isEqualTo(404);
    }

    private static String binary(String securityContext) {
        return "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"data\":\"c3ludGhldGlj\""
                + (securityContext == null ? "" : ",\"securityContext\":{\"reference\":\"" + securityContext + "\"}") + "}";
    }

    /**
     * A resource in several compartments (R4 Patient CompartmentDefinition: an Observation's subject and performer, a
     * Provenance's targets) is readable with each member's token, on every read path and for the version read; it
     * stays unknown to anyone else, and a member may not change what another patient shares.
     */
    /**
     * Issue 16 item 2: conditional writes with a patient scope match within the token patient's compartment only. B
     * holds an Observation with the same identifier as the one A's token writes: it is never matched, changed,
     * deleted or revealed (no 412 for "several matches", no 200 answering with B's resource).
     */
    @Test
    void patientTokenWhenConditionalWritesThenConditionsMatchWithinItsCompartmentOnly() {
        String admin = bearer(systemToken("system/*.cruds"));
        String auth = bearer(patientToken(patientA, "patient/*.cruds"));
        String identifier = "urn:overturn:test|cond-" + unique();
        String query = "identifier=" + identifier.replace("|", "%7C");
        String ofB = createAs(admin, "Observation", identified(observation(patientB, "cond-B"), identifier));

        // If-None-Exist: B's match is not a match for A, so A's resource is created; asked again, A's own one answers.
        Response created = post("Observation", identified(observation(patientA, "cond-A"), identifier),
                "Authorization", auth, "If-None-Exist", query);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String ofA = created.json().path("id").asText();
        assertThat(ofA).isNotEqualTo(ofB);
        Response again = post("Observation", identified(observation(patientA, "cond-A"), identifier),
                "Authorization", auth, "If-None-Exist", query);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(ofA);
        assertThat(again.body()).doesNotContain(marker + "-obs-cond-B");

        // Conditional update: one match within A's compartment (B's is not counted), and it is A's that changes.
        Response updated = put("Observation?" + query, identified(observation(patientA, "cond-A2"), identifier),
                "Authorization", auth);
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("id").asText()).isEqualTo(ofA);
        // Nothing matches in A's compartment and the body names B's resource: B's is never written (the edge creates
        // a new resource of A's, or the store answers B's as unknown).
        Response planted = put("Observation?identifier=urn:overturn:test%7Cnone-" + unique(),
                identified(observation(patientA, "cond-A3"), identifier).replace(
                        "{\"resourceType\":\"Observation\"", "{\"resourceType\":\"Observation\",\"id\":\"" + ofB + "\""),
                "Authorization", auth);
        assertThat(planted.status()).as(planted.body()).isIn(201, 404);
        assertThat(planted.json().path("id").asText()).isNotEqualTo(ofB);
        // Moving its own resource to B by a conditional update is refused as any such write is.
        Response moved = put("Observation?" + query, identified(observation(patientB, "cond-moved"), identifier),
                "Authorization", auth);
        assertThat(moved.status()).as(moved.body()).isEqualTo(403);

        // A resource A shares with another patient matches, but a patient scope changes only what is its alone.
        String patientC = createAs(admin, "Patient", "{\"resourceType\":\"Patient\"}");
        String sharedIdentifier = "urn:overturn:test|cond-shared-" + unique();
        createAs(admin, "Observation", identified(observation(patientA, "cond-shared"), sharedIdentifier)
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + patientC + "\"}],\"subject\""));
        Response sharedUpdate = put("Observation?identifier=" + sharedIdentifier.replace("|", "%7C"),
                identified(observation(patientA, "cond-shared2"), sharedIdentifier), "Authorization", auth);
        assertThat(sharedUpdate.assertOutcome(403)).as(sharedUpdate.body()).isEqualTo("OVT-403-SCOPE");
        assertThat(delete("Observation?identifier=" + sharedIdentifier.replace("|", "%7C"), "Authorization", auth)
                .assertOutcome(403)).isEqualTo("OVT-403-SCOPE");

        // Conditional delete: A's goes, B's stays.
        Response deleted = delete("Observation?" + query, "Authorization", auth);
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
        assertThat(get("Observation/" + ofA, "Authorization", admin).status()).isEqualTo(410);
        Response stillB = get("Observation/" + ofB, "Authorization", admin);
        assertThat(stillB.status()).isEqualTo(200);
        assertThat(stillB.json().path("meta").path("versionId").asText()).isEqualTo("1");

        // The same in a transaction: a conditional create and a conditional reference resolve within A's compartment.
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + identified(observation(patientA, "cond-tx"), identifier) + ",\"request\":{\"method\":\"POST\","
                + "\"url\":\"Observation\",\"ifNoneExist\":\"" + query + "\"}},{\"resource\":"
                + identified(observation(patientA, "cond-tx-put"), identifier) + ",\"request\":{\"method\":\"PUT\","
                + "\"url\":\"Observation?" + query + "\"}}]}";
        Response tx = post("", bundle, "Authorization", auth);
        // Both entries name the same identifier: the create makes A's, and the update then matches it (or the
        // server refuses the pair as one transaction); never B's.
        assertThat(tx.body()).doesNotContain(ofB);
        assertThat(get("Observation/" + ofB, "Authorization", admin).json().path("meta").path("versionId").asText())
                .isEqualTo("1");
    }

    private static String identified(String observation, String identifier) {
        String[] parts = identifier.split("\\|", 2);
        return observation.replace("{\"resourceType\":\"Observation\"", "{\"resourceType\":\"Observation\","
                + "\"identifier\":[{\"system\":\"" + parts[0] + "\",\"value\":\"" + parts[1] + "\"}]");
    }

    @Test
    void patientTokenWhenAResourceIsInSeveralCompartmentsThenEachMemberReadsItAndNoOneElse() {
        String admin = bearer(systemToken("system/*.cruds"));
        String patientC = createAs(admin, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "C\"}]}");
        String shared = createAs(admin, "Observation", observation(patientA, "shared")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + patientC + "\"}],\"subject\""));
        String provenance = createAs(admin, "Provenance", "{\"resourceType\":\"Provenance\",\"target\":[{\"reference\":"
                + "\"Patient/" + patientA + "\"},{\"reference\":\"Patient/" + patientC + "\"}],\"recorded\":\"2025-01-01T00:00:00Z\","
                + "\"agent\":[{\"who\":{\"display\":\"Synthetic agent\"}}]}");
        for (String member : List.of(patientA, patientC)) {
            String auth = bearer(patientToken(member, "patient/*.cruds"));
            for (String ref : List.of("Observation/" + shared, "Provenance/" + provenance)) {
                for (String read : List.of(ref, ref + "?_format=xml", ref + "?_pretty=true", ref + "/_history/1",
                        ref + "/_history")) {
                    assertThat(get(read, "Authorization", auth).status()).as(member + " " + read).isEqualTo(200);
                }
            }
            Response change = put("Observation/" + shared, observation(member, "changed")
                    .replace("{\"resourceType\":\"Observation\"", "{\"resourceType\":\"Observation\",\"id\":\"" + shared + "\""),
                    "Authorization", auth);
            assertThat(change.assertOutcome(403)).as(member + " changes a shared resource").isEqualTo("OVT-403-SCOPE");
            assertThat(delete("Observation/" + shared, "Authorization", auth).status()).isEqualTo(403);
        }
        assertThat(get("Observation?patient=" + patientA, "Authorization", bearer(patientToken(patientA, "patient/*.rs")))
                .json().path("entry").findValuesAsText("id")).contains(shared);
        // A further member finds it by search too: the store narrows to every member, not only the primary one.
        String furtherMember = bearer(patientToken(patientC, "patient/*.rs"));
        for (String search : List.of("Observation", "Observation?performer=Patient/" + patientC,
                "Observation?_id=" + shared, "Provenance", "Provenance?_id=" + provenance)) {
            Response r = get(search, "Authorization", furtherMember);
            assertThat(r.status()).as(search + ": " + r.body()).isEqualTo(200);
            assertThat(r.json().path("entry").findValuesAsText("id")).as(search).containsAnyOf(shared, provenance);
        }
        Response counted = get("Observation?_summary=count", "Authorization", furtherMember);
        assertThat(counted.json().path("total").asInt()).as(counted.body()).isEqualTo(1);
        String outsider = bearer(patientToken(patientB, "patient/*.cruds"));
        for (String ref : List.of("Observation/" + shared, "Provenance/" + provenance)) {
            for (String read : List.of(ref, ref + "?_format=xml", ref + "/_history/1", ref + "/_history")) {
                Response r = get(read, "Authorization", outsider);
                assertThat(r.assertOutcome(404)).as(read).isEqualTo("OVT-404");
            }
            assertThat(delete(ref, "Authorization", outsider).assertOutcome(404)).isEqualTo("OVT-404");
        }
        for (String search : List.of("Observation?patient=" + patientA, "Observation?performer=Patient/" + patientC,
                "Provenance?patient=" + patientC, "Provenance?target=Patient/" + patientA, "Observation", "Provenance")) {
            Response r = get(search, "Authorization", outsider);
            if (r.status() == 200) {
                assertThat(r.json().path("entry").findValuesAsText("id")).as(search).doesNotContain(shared, provenance);
            } else {
                assertThat(r.status()).as(search).isIn(400, 403);
            }
        }
        // A patient token writes nothing that puts another patient's compartment in it.
        String planting = observation(patientB, "planted-shared")
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"Patient/" + patientA + "\"}],\"subject\"");
        assertThat(post("Observation", planting, "Authorization", bearer(patientToken(patientA, "patient/*.cruds"))).status())
                .isEqualTo(403);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.overturn.store.SearchParameterRegistry registry;

    /**
     * Every reference search parameter of every served type that can name a Patient, in every form a client may
     * write it (id, Type/id, absolute URL, type modifier, chained to the patient's name, in an OR list), alone and
     * with other parameters, through each answer path (JSON stored fast path, HAPI JSON, XML, _pretty, _summary,
     * _elements, POST _search), under each kind of patient scope: patient A's token never gets patient B's data.
     */
    @Test
    void patientTokenWhenSearchingByEveryParameterThatCanNamePatientBThenNothingLeaks() {
        String admin = bearer(systemToken("system/*.cruds"));
        String obs = createAs(admin, "Observation", observation(patientB, "probe2"));
        List<String> forbidden = List.of(patientB, observationB, obs);
        String base = base();
        List<String> forms = List.of(patientB, "Patient/" + patientB, base + "/Patient/" + patientB,
                patientA + "," + patientB, "Patient/" + patientA + ",Patient/" + patientB);
        List<String> tails = List.of("", "&_format=xml", "&_pretty=true", "&_summary=true", "&_elements=id",
                "&_count=1000&_total=accurate", "&_sort=-_lastUpdated", "&_summary=count", "&_include=*",
                "&_revinclude=Provenance:target", "&_include:iterate=*&_revinclude:iterate=Provenance:target");
        List<String> scopes = List.of("patient/*.read", "patient/*.rs", "patient/*.cruds",
                "patient/Observation.rs patient/Patient.rs patient/Condition.rs patient/Coverage.rs");
        int probes = 0;
        for (String scope : scopes) {
            String auth = bearer(patientToken(patientA, scope));
            for (String type : org.overturn.store.ResourceTypes.SUPPORTED) {
                for (org.overturn.store.SearchParam sp : registry.params(type)) {
                    if (sp.type() != ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE
                            || !(sp.targets().contains("Patient") || sp.targets().isEmpty())) {
                        continue;
                    }
                    List<String> queries = new ArrayList<>();
                    for (String form : forms) {
                        for (String tail : tails) {
                            queries.add(type + "?" + sp.name() + "=" + form + tail);
                        }
                    }
                    queries.add(type + "?" + sp.name() + ":Patient=" + patientB);
                    queries.add(type + "?" + sp.name() + ":Patient.family=" + marker + "B");
                    queries.add(type + "?" + sp.name() + ":Patient._id=" + patientB + "&_format=xml");
                    for (String query : queries) {
                        probes++;
                        assertNothingOfB(get(query, "Authorization", auth), query, forbidden);
                    }
                    probes++;
                    String form = sp.name() + "=Patient/" + patientB;
                    assertNothingOfB(send("POST", type + "/_search", "application/x-www-form-urlencoded", form,
                            "Authorization", auth), "POST " + type + "/_search " + form, forbidden);
                }
            }
        }
        System.out.println("Cross-patient search probes made, none answered with patient B's data: " + probes);
        assertThat(probes).isGreaterThanOrEqualTo(10_000);
    }

    /** Refused (400, 403) or answered without any of B's resources or B's name. */
    private void assertNothingOfB(Response r, String what, List<String> forbidden) {
        if (r.status() != 200) {
            assertThat(r.status()).as(what + ": " + r.body()).isIn(400, 403, 404);
            return;
        }
        // The links echo the query the client sent (which may name B): they are its own words, not data.
        String body;
        if (r.body().trim().startsWith("{")) {
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) r.json();
            json.remove("link");
            body = json.toString();
        } else {
            body = r.body().replaceAll("(?s)<link>.*?</link>", "");
        }
        assertThat(body).as(what).doesNotContain(marker + "B").doesNotContain(marker + "-obs-B")
                .doesNotContain(marker + "-obs-probe2");
        for (String id : forbidden) {
            assertThat(body).as(what).doesNotContain("\"id\":\"" + id + "\"").doesNotContain("<id value=\"" + id + "\"");
        }
    }

    // ---- item 5: discovery ----

    // ---- item 8: audit ----

    @Test
    void requestsWhenAnsweredThenEachLeavesAnAuditEventNamingWhoWhatWhenAndOutcome() throws Exception {
        auditSince = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String patientAuth = bearer(patientToken(patientA, "patient/*.rs"));
        String admin = bearer(systemToken("system/*.cruds"));
        String missing = "no-such-" + unique();
        assertThat(get("Observation/" + observationA, "Authorization", patientAuth).status()).isEqualTo(200);
        assertThat(get("Observation/" + missing, "Authorization", patientAuth).status()).isEqualTo(404);
        assertThat(get("Observation?code=http://loinc.org|8480-6&_count=7", "Authorization", patientAuth).status()).isEqualTo(200);
        String created = createAs(admin, "Observation", observation(patientA, "audited"));

        JsonNode read = awaitAudit("entity=Observation/" + observationA + "&subtype=read");
        assertThat(read.path("action").asText()).isEqualTo("R");
        assertThat(read.path("outcome").asText()).isEqualTo("0");
        assertThat(read.path("recorded").asText()).isNotEmpty();
        JsonNode agent = read.path("agent").get(0);
        assertThat(agent.path("who").path("identifier").path("system").asText()).isEqualTo(ISSUER_A);
        assertThat(agent.path("who").path("identifier").path("value").asText()).isEqualTo("test-client");
        assertThat(agent.path("requestor").asBoolean()).isTrue();
        assertThat(read.path("entity").findValuesAsText("reference")).contains("Patient/" + patientA);

        JsonNode notFound = awaitAudit("entity=Observation/" + missing);
        assertThat(notFound.path("outcome").asText()).as("a refused read is recorded as failed").isEqualTo("4");

        // The newest search about the patient that was an Observation search (the auditor's own AuditEvent searches
        // are audited too, and may be newer).
        JsonNode search = awaitAudit("subtype=search-type&patient=" + patientA,
                e -> e.toString().contains("GET Observation"));
        String query = null;
        for (JsonNode e : search.path("entity")) {
            if (e.has("query")) {
                query = new String(java.util.Base64.getDecoder().decode(e.path("query").asText()), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        // The query as it was sent, encoding included.
        assertThat(java.net.URLDecoder.decode(query, java.nio.charset.StandardCharsets.UTF_8))
                .contains("code=http://loinc.org|8480-6").contains("_count=7");

        JsonNode create = awaitAudit("entity=Observation/" + created + "&subtype=create");
        assertThat(create.path("action").asText()).isEqualTo("C");
        assertThat(create.toString()).doesNotContain("Bearer").doesNotContain(admin.substring(7, 40));
    }

    @Test
    void refusedRequestsAndCdsHooksCallsWhenAnsweredThenAuditedToo() throws Exception {
        auditSince = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // Refused by authentication: who is unknown, what and where from are not.
        assertThat(get("Observation/" + observationA).status()).isEqualTo(401);
        assertThat(get("Observation/" + observationA, "Authorization", "Bearer not.a.token").status()).isEqualTo(401);
        JsonNode refused = awaitAudit("entity=Observation/" + observationA + "&outcome=4");
        assertThat(refused.path("subtype").get(0).path("code").asText()).isEqualTo("read");
        assertThat(refused.path("outcomeDesc").asText()).contains("401");
        assertThat(refused.path("agent").get(0).path("who").path("identifier").path("value").asText())
                .isEqualTo("unauthenticated");
        assertThat(refused.path("agent").get(0).path("network").path("address").asText()).isNotBlank();

        // A CDS Hooks call: the CDS client that signed it, the service, the patient of the hook's context.
        String service = root() + "/cds-services/overturn-order-sign";
        String hook = org.overturn.fixtures.Scenarios.ALECTINIB_CA.resource("hooks/order-sign.json");
        String hookPatient = JSON.readTree(hook).path("context").path("patientId").asText();
        Response answered = send("POST", service, "application/json", hook,
                "Authorization", "Bearer " + CdsTestClient.token(service, c -> {}));
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        JsonNode cds = awaitAudit("patient=" + hookPatient + "&subtype=operation");
        JsonNode who = cds.path("agent").get(0).path("who").path("identifier");
        assertThat(who.path("value").asText()).isEqualTo(CdsTestClient.ISSUER);
        assertThat(cds.path("outcome").asText()).isEqualTo("0");
        assertThat(cds.toString()).contains("overturn-order-sign");

        // A CDS Hooks call with a JWT that does not verify: refused, and recorded as unauthenticated, not as anyone.
        assertThat(send("POST", service, "application/json", hook, "Authorization", "Bearer not.a.jwt").status()).isEqualTo(401);
        JsonNode refusedCds = awaitAudit("subtype=operation&outcome=4", e -> e.toString().contains("overturn-order-sign"));
        assertThat(refusedCds.path("agent").get(0).path("who").path("identifier").path("value").asText())
                .isEqualTo("unauthenticated");
    }

    @Test
    void auditTrailWhenReadThenOneVersionNeverWrittenThroughTheApiAndPatientTokensSeeOnlyTheirOwn() throws Exception {
        auditSince = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String admin = bearer(tokenA(c -> c.claim("scope", "system/*.cruds").claim("client_id", "audited-client")));
        String auditor = bearer(systemToken("system/AuditEvent.rs"));
        // Read by patient tokens, so each event names its patient (a system read names the resource alone).
        assertThat(get("Observation/" + observationA, "Authorization", bearer(patientToken(patientA, "patient/*.rs"))).status())
                .isEqualTo(200);
        assertThat(get("Observation/" + observationB, "Authorization", bearer(patientToken(patientB, "patient/*.rs"))).status())
                .isEqualTo(200);
        assertThat(get("Patient/" + patientA, "Authorization", admin).status()).isEqualTo(200);
        JsonNode aboutA = awaitAudit("entity=Observation/" + observationA + "&subtype=read");
        JsonNode aboutB = awaitAudit("entity=Observation/" + observationB + "&subtype=read");
        String id = aboutA.path("id").asText();

        // Read, vread and history: one version, the same event.
        assertThat(get("AuditEvent/" + id, "Authorization", auditor).json().path("id").asText()).isEqualTo(id);
        assertThat(get("AuditEvent/" + id + "/_history/1", "Authorization", auditor).status()).isEqualTo(200);
        assertThat(get("AuditEvent/" + id + "/_history/2", "Authorization", auditor).status()).isEqualTo(404);
        JsonNode history = get("AuditEvent/" + id + "/_history", "Authorization", auditor).json();
        assertThat(history.path("entry")).hasSize(1);
        assertThat(get("AuditEvent/no-such-event", "Authorization", auditor).status()).isEqualTo(404);

        // Searches: counted, dated, by client and address; other parameters refused, not ignored.
        JsonNode counted = get("AuditEvent?entity=Observation/" + observationA + "&date=ge" + auditSince + "&_total=accurate",
                "Authorization", auditor).json();
        assertThat(counted.path("total").asInt()).isEqualTo(counted.path("entry").size()).isPositive();
        assertThat(get("AuditEvent?entity=Observation/" + observationA + "&date=lt" + auditSince, "Authorization", auditor)
                .json().path("entry").findValuesAsText("id")).doesNotContain(id);
        String byAdmin = awaitAudit("entity=Patient/" + patientA + "&subtype=read&altid=audited-client").path("id").asText();
        assertThat(get("AuditEvent?_id=" + byAdmin + "&type=rest&action=R&outcome=0&altid=audited-client&address=127.0.0",
                "Authorization", auditor).json().path("entry").findValuesAsText("id")).containsExactly(byAdmin);
        assertThat(get("AuditEvent?_id=" + byAdmin + "&action=C", "Authorization", auditor).json().path("entry")).isEmpty();
        Response unknown = get("AuditEvent?agent-name=x", "Authorization", auditor);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("OperationOutcome").contains("agent-name");

        // Nobody writes the audit trail through the API, whatever the scopes.
        String event = aboutA.toString();
        for (Response write : List.of(post("AuditEvent", event, "Authorization", admin),
                post("AuditEvent", "{\"resourceType\":\"AuditEvent\"}", "Authorization", admin),
                delete("AuditEvent/no-such-event", "Authorization", admin),
                put("AuditEvent/" + id, event, "Authorization", admin), delete("AuditEvent/" + id, "Authorization", admin))) {
            assertThat(write.status()).as(write.body()).isEqualTo(405);
            assertThat(write.body()).contains("OperationOutcome");
            assertThat(write.raw().headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
        }
        assertThat(get("AuditEvent/" + id, "Authorization", auditor).json().path("meta").path("versionId").asText()).isEqualTo("1");

        // A patient's token reads the trail of its own compartment only.
        String patientAuth = bearer(patientToken(patientA, "patient/AuditEvent.rs"));
        assertThat(get("AuditEvent/" + id, "Authorization", patientAuth).status()).isEqualTo(200);
        assertThat(get("AuditEvent/" + aboutB.path("id").asText(), "Authorization", patientAuth).status()).isEqualTo(404);
        JsonNode own = get("AuditEvent?date=ge" + auditSince + "&_count=100", "Authorization", patientAuth).json();
        assertThat(own.path("entry").findValuesAsText("id")).contains(id).doesNotContain(aboutB.path("id").asText());
        for (JsonNode entry : own.path("entry")) {
            assertThat(entry.path("resource").path("entity").findValuesAsText("reference")).contains("Patient/" + patientA);
        }
    }

    Instant auditSince;

    /**
     * Issue 16, review: a refusal by the edge's hooks is an answer, not an error. It still gets its 403 OperationOutcome
     * and its AuditEvent, and logs at most one line, at INFO (the access log), where HAPI logged an ERROR with a stack
     * trace for each: nothing with its request id at ERROR, no stack trace.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void refusalWhenTheEdgeRefusesThenAnOutcomeAnAuditEventAndOneInfoLine(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        auditSince = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String auth = bearer(patientToken(patientA, "patient/Patient.rs"));
        List<String> requestIds = new ArrayList<>();
        for (String refused : List.of("Observation/" + observationA, "Observation/_history",
                "Patient?_has:Observation:patient:_id=x")) {
            Response r = get(refused, "Authorization", auth);
            assertThat(r.status()).as(refused).isEqualTo(403);
            assertThat(r.json().path("resourceType").asText()).as(refused).isEqualTo("OperationOutcome");
            String requestId = r.header("X-Request-Id");
            assertThat(requestId).as(refused).isNotBlank();
            requestIds.add(requestId);
            // HAPI's line came from the hook, before the answer was sent; the access log's comes as the request ends
            // (at WARN in these tests, so it is not seen here).
            assertThat(output.getAll().lines().filter(line -> line.contains(requestId)).toList()).as(refused)
                    .hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(line -> assertThat(line).containsAnyOf(" INFO [", " DEBUG ["));
        }
        assertThat(output.getAll()).doesNotContain("Exception thrown by interceptor");
        JsonNode audited = awaitAudit("entity=Observation/" + observationA + "&outcome=4",
                e -> e.path("outcomeDesc").asText().equals("HTTP 403, request " + requestIds.get(0)));
        assertThat(audited.path("subtype").get(0).path("code").asText()).isEqualTo("read");
    }

    /**
     * The newest AuditEvent recorded since the test began that matches {@code query}, waiting for the batched writer
     * (a few hundred ms) to store it.
     */
    private JsonNode awaitAudit(String query) throws InterruptedException {
        return awaitAudit(query, e -> true);
    }

    private JsonNode awaitAudit(String query, java.util.function.Predicate<JsonNode> which) throws InterruptedException {
        String auditor = bearer(systemToken("system/AuditEvent.rs"));
        for (int i = 0; i < 50; i++) {
            JsonNode found = get("AuditEvent?" + query + "&date=ge" + auditSince + "&_sort=-date", "Authorization", auditor)
                    .json().path("entry");
            for (JsonNode entry : found) {
                if (which.test(entry.path("resource"))) {
                    return entry.path("resource");
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no AuditEvent for " + query);
    }

    @Test
    void discoveryWhenAskedWithoutTokenThenSmartConfiguration() {
        Response r = get(".well-known/smart-configuration", "Origin", "https://app.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().allValues("Access-Control-Allow-Origin")).hasSize(1);
        JsonNode json = r.json();
        assertThat(json.path("authorization_endpoint").asText()).isEqualTo(ISSUER_A + "/authorize");
        assertThat(json.path("token_endpoint").asText()).isEqualTo(ISSUER_A + "/token");
        assertThat(json.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(json.path("capabilities").toString())
                .contains("launch-ehr", "launch-standalone", "context-ehr-patient", "permission-v1", "permission-v2");
        JsonNode security = get("metadata").json().path("rest").get(0).path("security");
        assertThat(security.path("cors").asBoolean()).isTrue();
        assertThat(security.path("service").get(0).path("coding").get(0).path("code").asText()).isEqualTo("SMART-on-FHIR");
        assertThat(security.path("extension").get(0).path("extension").toString())
                .contains(ISSUER_A + "/authorize", ISSUER_A + "/token");
    }

    // ---- item 4: a Subscription belongs to the client that wrote it ----

    /**
     * A Subscription names its client's endpoint and the credentials for it: another client, whatever its scopes,
     * never reads, finds, lists, changes or asks the status or events of it, on any path; an owner tag sent in the
     * body claims nothing; what it subscribes to must be within its token's reach.
     */
    @Test
    void subscriptionWhenWrittenByOneClientThenAnotherClientNeverSeesOrChangesIt() {
        String secret = "Secret" + unique();
        String one = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "app-one")));
        String two = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "app-two")));
        String path = "/owned/" + unique();
        SubscriptionContract.Subscriber.SERVER.stubFor(com.github.tomakehurst.wiremock.client.WireMock
                .post(path).willReturn(aResponse().withStatus(200)));
        // The body claims app-two's ownership; the tag names the writer, app-one.
        String body = reminderSubscription(path, "patient=Patient/" + patientA, secret, "id-only")
                .replace("\"resourceType\":\"Subscription\",", "\"resourceType\":\"Subscription\",\"meta\":{\"tag\":[{"
                        + "\"system\":\"http://overturn.example.org/fhir/CodeSystem/client-owner\",\"code\":\""
                        + ISSUER_A + "|app-two\"}]},");
        String id = createAs(one, "Subscription", body);
        Response mine = get("Subscription/" + id, "Authorization", one);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body()).contains(secret).contains(ISSUER_A + "|app-one").doesNotContain("app-two");
        assertThat(get("Subscription/" + id + "/$status", "Authorization", one).status())
                .isEqualTo(200);

        int probes = 0;
        for (String p : List.of("Subscription/" + id, "Subscription/" + id + "?_format=xml",
                "Subscription/" + id + "?_pretty=true", "Subscription/" + id + "?_format=json",
                "Subscription/" + id + "/_history", "Subscription/" + id + "/_history/1",
                "Subscription/" + id + "/$status", "Subscription/" + id + "/$events")) {
            Response r = get(p, "Authorization", two, "Accept", "application/fhir+json");
            assertThat(r.status()).as(p).isEqualTo(404);
            assertThat(r.body()).as(p).doesNotContain(secret);
            probes++;
        }
        for (String p : List.of("Subscription?_id=" + id, "Subscription", "Subscription?status=requested,active",
                "Subscription/$status?id=" + id, "_history", "Subscription?_format=xml&_id=" + id)) {
            Response r = get(p, "Authorization", two, "Accept", "application/fhir+json");
            assertThat(r.status()).as(p).isIn(200, 403);
            assertThat(r.body()).as(p).doesNotContain(secret).doesNotContain("\"id\":\"" + id + "\"");
            probes++;
        }
        Response changed = put("Subscription/" + id, reminderSubscription(path, "patient=Patient/" + patientA, "x", "id-only")
                .replace("{\"resourceType\":\"Subscription\",", "{\"resourceType\":\"Subscription\",\"id\":\"" + id + "\","),
                "Authorization", two);
        assertThat(changed.status()).as(changed.body()).isEqualTo(404);
        assertThat(delete("Subscription/" + id, "Authorization", two).status()).isEqualTo(404);
        Response conditional = put("Subscription?_id=" + id, reminderSubscription(path, "patient=Patient/" + patientA, "x",
                "id-only"), "Authorization", two);
        assertThat(conditional.status()).as(conditional.body()).isEqualTo(403);
        Response ifNoneExist = post("Subscription", reminderSubscription(path, "patient=Patient/" + patientA, "x", "id-only"),
                "Authorization", two, "If-None-Exist", "_id=" + id);
        assertThat(ifNoneExist.status()).as(ifNoneExist.body()).isEqualTo(403);
        probes += 4;
        assertThat(get("Subscription/" + id, "Authorization", one).body()).as("unchanged").contains(secret);
        System.out.printf("Subscription owner probes by another client: %d, leaks 0%n", probes);

        // What a Subscription sends must be within its writer's reach; the reminder topic needs a filter.
        String subscribesOnly = bearer(tokenA(c -> c.claim("scope", "user/Subscription.cruds").claim("client_id", "app-3")));
        Response outOfReach = post("Subscription", reminderSubscription(path, "patient=Patient/" + patientA, "x", "id-only"),
                "Authorization", subscribesOnly);
        assertThat(outOfReach.assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(outOfReach.body()).contains("must read all of Communication");
        String narrow = bearer(tokenA(c -> c.claim("scope", "user/Subscription.cruds user/Communication.rs user/Task.rs")
                .claim("client_id", "app-4")));
        Response narrowOwn = post("Subscription", reminderSubscription(path, "patient=Patient/" + patientA, "x",
                "full-resource"), "Authorization", narrow);
        assertThat(narrowOwn.status()).isEqualTo(201);
        // A full-resource reminder carries the Task it is about as well.
        Response withoutTasks = post("Subscription", reminderSubscription(path, "patient=Patient/" + patientA, "x",
                "full-resource"), "Authorization", bearer(tokenA(c -> c.claim("scope",
                "user/Subscription.cruds user/Communication.rs").claim("client_id", "app-5"))));
        assertThat(withoutTasks.assertOutcome(403)).isEqualTo("OVT-403-SCOPE");
        assertThat(withoutTasks.body()).contains("must read all of Task");
        // Its owner asks for its events with the scopes of what it subscribed to, no more.
        Response events = get("Subscription/" + narrowOwn.json().path("id").asText() + "/$events", "Authorization", narrow);
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.json().path("type").asText()).isEqualTo("history");
        Response unfiltered = post("Subscription", reminderSubscription(path, null, "x", "id-only"), "Authorization", narrow);
        assertThat(unfiltered.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(unfiltered.body()).contains("spans every patient");
        Response patientScoped = post("Subscription", reminderSubscription(path, "patient=Patient/" + patientA, "x", "id-only"),
                "Authorization", bearer(patientToken(patientA, "patient/*.cruds")));
        assertThat(patientScoped.status()).isEqualTo(403);
    }

    /** A claim update reaches only the caller's own requests: another client's is refused and its case left as it was. */
    @Test
    void pasUpdateWhenItNamesAnotherClientsRequestThen422AndThatRequestsTaskUntouched() {
        String one = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "ehr-one")));
        String two = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "ehr-two")));
        org.hl7.fhir.r4.model.Bundle pended = PasBundles.request(
                org.overturn.fixtures.Scenarios.ALECTINIB_CA.resource("variants/biomarker-missing/bundle.json"),
                "MB-" + unique(), "PA-" + unique());
        Response submitted = post("Claim/$submit", PasBundles.json(pended), "Authorization", one);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String claim = submitted.json().path("entry").get(0).path("resource").path("request").path("reference").asText();
        JsonNode task = get("Task?focus=" + claim, "Authorization", one).json().path("entry").get(0).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("in-progress");

        org.hl7.fhir.r4.model.Bundle update = PasBundles.cancelRequest(PasBundles.updateOf(PasBundles.request(
                org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson(), "MB-" + unique(), "PA-" + unique()), pended));
        Response refused = post("Claim/$submit", PasBundles.json(update), "Authorization", two);
        assertThat(refused.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(refused.body()).contains("Claim.related");
        JsonNode after = get("Task/" + task.path("id").asText(), "Authorization", one).json();
        assertThat(after.path("status").asText()).isEqualTo("in-progress");
        assertThat(after.path("meta").path("versionId").asText()).isEqualTo(task.path("meta").path("versionId").asText());
    }

    /**
     * A PAS request answers again only to the client that submitted it: the same request resubmitted by another
     * client is refused without its answer, and another client's inquiry for the same member, provider and insurer
     * finds nothing. Member ids and NPIs are no secret.
     */
    @Test
    void pasRequestWhenAnotherClientResubmitsOrInquiresThenItLearnsNothingOfIt() {
        String one = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "ehr-one")));
        String two = bearer(tokenA(c -> c.claim("scope", "user/*.cruds").claim("client_id", "ehr-two")));
        org.hl7.fhir.r4.model.Bundle request = PasBundles.request(org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson(),
                "MB-" + unique(), "PA-" + unique());
        String json = PasBundles.json(request);
        Response submitted = post("Claim/$submit", json, "Authorization", one);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String responseId = submitted.json().path("entry").get(0).path("resource").path("id").asText();

        Response again = post("Claim/$submit", json, "Authorization", one);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("entry").get(0).path("resource").path("id").asText()).isEqualTo(responseId);
        Response taken = post("Claim/$submit", json, "Authorization", two);
        assertThat(taken.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(taken.body()).contains("another client submitted").doesNotContain(responseId);

        String inquiry = PasBundles.json(PasBundles.inquiry(request, "INQ-" + unique()));
        Response mine = post("Claim/$inquire", inquiry, "Authorization", one);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.json().path("parameter").size()).isEqualTo(1);
        assertThat(mine.body()).contains(responseId);
        Response theirs = post("Claim/$inquire", inquiry, "Authorization", two);
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(200);
        assertThat(theirs.json().path("parameter").size()).isZero();
        assertThat(theirs.body()).doesNotContain(responseId);
    }

    private static String reminderSubscription(String path, String filter, String secret, String content) {
        return "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"reminders\","
                + "\"criteria\":\"http://overturn.example.org/fhir/SubscriptionTopic/task-deadline-reminder\""
                + (filter == null ? "" : ",\"_criteria\":{\"extension\":[{\"url\":\"" + SubscriptionContract.FILTER
                        + "\",\"valueString\":\"" + filter + "\"}]}")
                + ",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"" + SubscriptionContract.Subscriber.url(path)
                + "\",\"header\":[\"Authorization: Bearer " + secret + "\"],\"payload\":\"application/fhir+json\","
                + "\"_payload\":{\"extension\":[{\"url\":\"" + SubscriptionContract.CONTENT + "\",\"valueCode\":\""
                + content + "\"}]}}}";
    }

    // ---- helpers ----

    /** 401 + WWW-Authenticate: Bearer + OperationOutcome, no data, on each way of asking. */
    private void assertRefusedEverywhere(String token) {
        String[] auth = token == null ? new String[0] : new String[] {"Authorization", bearer(token)};
        List<Response> answers = new ArrayList<>();
        for (String path : List.of("Observation/" + observationB, "Observation/" + observationB + "?_format=xml",
                "Observation/" + observationB + "?_pretty=true", "Observation?patient=" + patientB,
                "Patient?family=" + marker + "B", "Patient/" + patientB + "/_history", "_history")) {
            answers.add(get(path, auth));
        }
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":"
                + "\"GET\",\"url\":\"Observation/" + observationB + "\"}}]}";
        answers.add(post("", transaction, auth));
        answers.add(post("Claim/$submit", "{\"resourceType\":\"Bundle\"}", auth));
        answers.add(send("GET", "Subscription/x/$status", null, null, auth));
        answers.add(post("Observation", observation(patientB, "planted"), auth));
        for (Response r : answers) {
            assertThat(r.assertOutcome(401)).as(r.raw().uri().toString()).isEqualTo("OVT-401");
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(r.body()).doesNotContain(marker);
        }
    }

    private String root() {
        return base().substring(0, base().length() - "/fhir".length());
    }

    private String createAs(String authorization, String type, String json) {
        Response r = post(type, json, "Authorization", authorization);
        assertThat(r.status()).as("create %s: %s", type, r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    private String observation(String patient, String label) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
                + "\"code\":\"8480-6\"}],\"text\":\"" + marker + "-obs-" + label + "\"},\"subject\":{\"reference\":\"Patient/"
                + patient + "\"}}";
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String systemToken(String scope) {
        return tokenA(c -> c.claim("scope", scope));
    }

    private static String patientToken(String patient, String scope) {
        return tokenA(c -> c.claim("scope", "launch/patient openid " + scope).claim("patient", patient));
    }

    private static String tokenA(UnaryOperator<JWTClaimsSet.Builder> change) {
        try {
            return sign(new RSASSASigner(KEY_A), JWSAlgorithm.RS384, "a1", null, claims(ISSUER_A, change));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(String issuer, UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("test-client")
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "system/*.cruds");
        return change.apply(claims).build();
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, URI jku, JWTClaimsSet claims) {
        JWSHeader.Builder header = new JWSHeader.Builder(alg).keyID(kid);
        if (jku != null) {
            header.jwkURL(jku);
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String signWith(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static JWSSigner ecSigner() {
        try {
            return new ECDSASigner(KEY_B);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keys(String path) {
        return "http://127.0.0.1:" + KEYS.port() + path;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder jwks(JWKSet set) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(set.toString());
    }
}
