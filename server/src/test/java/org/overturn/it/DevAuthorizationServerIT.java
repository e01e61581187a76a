package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The development authorization server (profile dev-auth) over real HTTP, as a SMART app and a backend service use
 * it: standalone launch through sign-in and the patient picker, EHR launch from the development EHR, PKCE S256
 * required, client credentials with private_key_jwt; and the FHIR API accepting exactly what it issues.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("dev-auth")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevAuthorizationServerIT extends ServerTest {
    static final int PORT = freePort();
    static final String ORIGIN = "http://127.0.0.1:" + PORT;
    static final String FHIR = ORIGIN + "/fhir";
    static final String APP = "overturn-smart-app";
    static final String REDIRECT = ORIGIN + "/app/";
    static final String BACKEND = "payer-backend";
    static final WireMockServer CLIENT_KEYS = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final RSAKey BACKEND_KEY = TestKeys.rsa("backend-1");
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        CLIENT_KEYS.start();
        CLIENT_KEYS.stubFor(WireMock.get("/backend/jwks.json").willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(BACKEND_KEY.toPublicJWK()).toString())));
    }

    @DynamicPropertySource
    static void developmentAuthorizationServer(DynamicPropertyRegistry registry) throws IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-dev-auth-it-")::toString);
        registry.add("server.port", () -> PORT);
        // The profile registers the SMART app; a list set here replaces the profile's, so both are named.
        registry.add("overturn.auth-server.clients[0].client-id", () -> APP);
        registry.add("overturn.auth-server.clients[0].redirect-uris[0]", () -> REDIRECT);
        registry.add("overturn.auth-server.clients[0].scopes",
                () -> "openid,fhirUser,launch,launch/patient,online_access,patient/*.cruds,user/*.cruds");
        registry.add("overturn.auth-server.clients[1].client-id", () -> BACKEND);
        registry.add("overturn.auth-server.clients[1].jwks-uri", () -> CLIENT_KEYS.baseUrl() + "/backend/jwks.json");
        registry.add("overturn.auth-server.clients[1].scopes", () -> "system/*.rs,system/Patient.cruds,"
                + "system/CoverageEligibilityRequest.c,system/CoverageEligibilityResponse.c");
    }

    /** A browser with no session yet: each test signs in for itself. */
    HttpClient browser;
    String patientA;
    String patientB;
    String familyA;

    @BeforeAll
    void twoPatients() throws Exception {
        newBrowser();
        String admin = "Bearer " + backendToken("system/Patient.cruds").path("access_token").asText();
        familyA = "Picker" + unique();
        patientA = createWith(admin, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + familyA + "\"}]}");
        patientB = createWith(admin, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Other" + unique() + "\"}]}");
    }

    @BeforeEach
    void newBrowser() {
        browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Test
    void discoveryWhenDevAuthThenNamesItsEndpointsAndS256() throws Exception {
        HttpResponse<String> r = fetch(FHIR + "/.well-known/smart-configuration");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode smart = JSON.readTree(r.body());
        assertThat(smart.path("authorization_endpoint").asText()).isEqualTo(ORIGIN + "/oauth2/authorize");
        assertThat(smart.path("token_endpoint").asText()).isEqualTo(ORIGIN + "/oauth2/token");
        assertThat(texts(smart.path("grant_types_supported"))).contains("authorization_code", "client_credentials");
        assertThat(smart.path("capabilities").isArray()).isTrue();
        assertThat(smart.path("capabilities")).isNotEmpty().allSatisfy(c -> assertThat(c.isTextual()).isTrue());
        // OpenID Connect is offered, so the issuer and the key set its id tokens are signed with are named.
        assertThat(texts(smart.path("capabilities"))).contains("sso-openid-connect", "launch-ehr", "launch-standalone");
        assertThat(smart.path("issuer").asText()).isEqualTo(ORIGIN);
        assertThat(smart.path("jwks_uri").asText()).isEqualTo(ORIGIN + "/oauth2/jwks");
        assertThat(JWKSet.parse(fetch(smart.path("jwks_uri").asText()).body()).getKeys()).isNotEmpty();
        JsonNode metadata = JSON.readTree(fetch(ORIGIN + "/.well-known/oauth-authorization-server").body());
        assertThat(metadata.path("issuer").asText()).isEqualTo(ORIGIN);
        assertThat(metadata.path("code_challenge_methods_supported").toString()).contains("S256").doesNotContain("plain");
        assertThat(fetch(FHIR + "/Patient/" + patientA).statusCode()).isEqualTo(401);
    }

    @Test
    void standaloneLaunchWhenUserSignsInAndPicksPatientThenTokenReachesOnlyThatPatient() throws Exception {
        String verifier = verifier();
        HttpResponse<String> r = fetch(authorize("launch/patient openid fhirUser patient/*.rs", challenge(verifier), null));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(location(r)).startsWith(ORIGIN + "/auth/patients?");
        r = follow(r); // not signed in yet: to the sign-in page
        assertThat(location(r)).isEqualTo(ORIGIN + "/auth/login");
        r = signIn(follow(r));
        assertThat(location(r)).startsWith(ORIGIN + "/auth/patients?");
        HttpResponse<String> picker = follow(r);
        assertThat(picker.statusCode()).isEqualTo(200);
        assertThat(picker.body()).contains(familyA);
        String pick = link(picker.body(), patientA);
        r = fetch(ORIGIN + pick); // back to authorize with a launch context
        assertThat(location(r)).startsWith(ORIGIN + "/oauth2/authorize?").contains("launch=");
        String code = code(follow(r));

        JsonNode token = exchange(code, verifier);
        assertThat(token.path("patient").asText()).isEqualTo(patientA);
        assertThat(token.path("scope").asText().split(" ")).contains("launch/patient", "patient/*.rs", "openid");
        assertThat(token.path("id_token").asText()).isNotBlank();
        JWTClaimsSet claims = SignedJWT.parse(token.path("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(FHIR);
        assertThat(claims.getStringClaim("scope")).contains("patient/*.rs");
        assertThat(claims.getStringClaim("fhirUser")).isEqualTo(FHIR + "/Practitioner/dev-clinician");
        String fhirUser = SignedJWT.parse(token.path("id_token").asText()).getJWTClaimsSet().getStringClaim("fhirUser");
        assertThat(fhirUser).isEqualTo(FHIR + "/Practitioner/dev-clinician");

        String bearer = "Bearer " + token.path("access_token").asText();
        // A patient scope reads the shared Practitioners: the signed-in user's own resource among them.
        assertThat(get(fhirUser, "Authorization", bearer).status()).isEqualTo(200);
        assertThat(get(FHIR + "/Patient/" + patientA, "Authorization", bearer).status()).isEqualTo(200);
        assertThat(get(FHIR + "/Patient/" + patientB, "Authorization", bearer).status()).isEqualTo(404);
        assertThat(get(FHIR + "/Patient/" + patientA, "Authorization", bearer + "x").status()).isEqualTo(401);
    }

    @Test
    void ehrLaunchWhenDevelopmentEhrOpensTheAppThenTokenCarriesItsPatient() throws Exception {
        HttpResponse<String> r = fetch(ORIGIN + "/auth/ehr-launch?patient=" + patientB + "&launch_uri=" + enc(REDIRECT));
        assertThat(r.statusCode()).isEqualTo(302);
        URI app = URI.create(location(r));
        Map<String, String> params = query(app.getRawQuery());
        assertThat(params).containsEntry("iss", FHIR);
        String verifier = verifier();
        String code = code(signedInAuthorize(authorize(
                "launch openid patient/Observation.rs patient/Patient.r", challenge(verifier), params.get("launch"))));
        JsonNode token = exchange(code, verifier);
        assertThat(token.path("patient").asText()).isEqualTo(patientB);
        assertThat(token.path("need_patient_banner").asBoolean()).isTrue();
        assertThat(token.has("appContext")).as("no app_context given: %s", token).isFalse();
        String bearer = "Bearer " + token.path("access_token").asText();
        assertThat(get(FHIR + "/Patient/" + patientB, "Authorization", bearer).status()).isEqualTo(200);
        assertThat(get(FHIR + "/Patient/" + patientA, "Authorization", bearer).status()).isEqualTo(404);
        // The scope granted is what was asked: no write.
        assertThat(put(FHIR + "/Patient/" + patientB, "{\"resourceType\":\"Patient\",\"id\":\"" + patientB + "\"}",
                        "Authorization", bearer).status()).isEqualTo(403);
    }

    /**
     * OpenID Connect as a SMART client checks it: the id token, signed with a key of the advertised key set, is from
     * the advertised issuer, for this app, and its {@code fhirUser} is the URL of a resource the access token reads.
     */
    @Test
    void openIdWhenFhirUserAskedThenTheIdTokenNamesTheUsersResourceWhichTheAccessTokenReads() throws Exception {
        JsonNode smart = JSON.readTree(fetch(FHIR + "/.well-known/smart-configuration").body());
        String verifier = verifier();
        JsonNode token = exchange(code(signedInAuthorize(authorize(
                "launch openid fhirUser user/*.rs", challenge(verifier), launchFor(patientA)))), verifier);

        SignedJWT idToken = SignedJWT.parse(token.path("id_token").asText());
        RSAKey key = JWKSet.parse(fetch(smart.path("jwks_uri").asText()).body())
                .getKeyByKeyId(idToken.getHeader().getKeyID()).toRSAKey();
        assertThat(idToken.verify(new RSASSAVerifier(key))).isTrue();
        JWTClaimsSet claims = idToken.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(smart.path("issuer").asText());
        assertThat(claims.getAudience()).contains(APP);
        String fhirUser = claims.getStringClaim("fhirUser");
        assertThat(fhirUser).isEqualTo(FHIR + "/Practitioner/dev-clinician");

        Response user = get(fhirUser, "Authorization", "Bearer " + token.path("access_token").asText());
        assertThat(user.status()).as("GET %s: %s", fhirUser, user.body()).isEqualTo(200);
        assertThat(user.json().path("resourceType").asText()).isEqualTo("Practitioner");
        assertThat(user.json().path("id").asText()).isEqualTo("dev-clinician");
    }

    @Test
    void ehrLaunchWhenAppContextGivenThenTokenResponseCarriesItAndTheTokenDoesNot() throws Exception {
        String appContext = "{\"assessment\":\"CoverageEligibilityResponse/ce-1\",\"order\":\"MedicationRequest/mr-1\"}";
        HttpResponse<String> r = fetch(ORIGIN + "/auth/ehr-launch?patient=" + patientA + "&launch_uri=" + enc(REDIRECT)
                + "&app_context=" + enc(appContext));
        assertThat(r.statusCode()).isEqualTo(302);
        String launch = query(URI.create(location(r)).getRawQuery()).get("launch");
        String verifier = verifier();
        JsonNode token = exchange(code(signedInAuthorize(authorize("launch openid patient/*.rs", challenge(verifier), launch))),
                verifier);
        assertThat(token.path("patient").asText()).isEqualTo(patientA);
        assertThat(token.path("appContext").isTextual()).as("appContext in %s", token).isTrue();
        assertThat(token.path("appContext").asText()).isEqualTo(appContext);
        assertThat(SignedJWT.parse(token.path("access_token").asText()).getJWTClaimsSet().getClaims())
                .doesNotContainKey("appContext");
    }

    @Test
    void ehrLaunchWhenAppContextOver4096CharactersThenRefused() throws Exception {
        String base = ORIGIN + "/auth/ehr-launch?patient=" + patientA + "&launch_uri=" + enc(REDIRECT) + "&app_context=";
        HttpResponse<String> tooLong = fetch(base + "x".repeat(4097));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("app_context").contains("4096");
        assertThat(tooLong.headers().firstValue("Location")).isEmpty();
        assertThat(fetch(base + "x".repeat(4096)).statusCode()).isEqualTo(302);
    }

    @Test
    void developmentEhrWhenPatientHasAnAssessmentThenListsTheChartAndCardLaunches() throws Exception {
        String admin = "Bearer " + backendToken(
                "system/Patient.cruds system/CoverageEligibilityRequest.c system/CoverageEligibilityResponse.c")
                .path("access_token").asText();
        String family = "Ehr" + unique();
        String patient = createWith(admin, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");

        HttpResponse<String> ehr = fetch(ORIGIN + "/auth/ehr");
        assertThat(ehr.statusCode()).isEqualTo(200);
        assertThat(ehr.body()).contains(family).doesNotContain("<script");
        String open = link(ehr.body(), patient);
        assertThat(query(URI.create(open).getRawQuery()))
                .containsEntry("launch_uri", ORIGIN + "/app/launch.html")
                .doesNotContainKey("app_context");
        HttpResponse<String> launched = fetch(ORIGIN + open);
        assertThat(location(launched)).startsWith(ORIGIN + "/app/launch.html?").contains("launch=");

        String request = create(admin, "CoverageEligibilityRequest", "{\"resourceType\":\"CoverageEligibilityRequest\","
                + "\"status\":\"active\",\"purpose\":[\"auth-requirements\"],\"patient\":{\"reference\":\"Patient/"
                + patient + "\"},\"created\":\"2026-03-01\",\"insurer\":{\"display\":\"Payer\"},"
                + "\"item\":[{\"detail\":[{\"reference\":\"MedicationRequest/mr-" + patient + "\"}]}]}");
        // Its request is not stored here: the card's context names the assessment alone.
        String older = createAssessment(admin, patient, "CoverageEligibilityRequest/absent-" + patient,
                "2026-03-01T10:00:00Z", "Osimertinib 80 mg");
        String newer = createAssessment(admin, patient, "CoverageEligibilityRequest/" + request, "2026-03-02T10:00:00Z", null);

        String body = fetch(ORIGIN + "/auth/ehr").body();
        assertThat(body).contains("Open from the CDS card (Osimertinib 80 mg, 2026-03-01)")
                .contains("Open from the CDS card (assessment, 2026-03-02)");
        assertThat(body.indexOf("(assessment, 2026-03-02)")).as("newest first").isLessThan(body.indexOf("2026-03-01)"));
        assertThat(appContext(body, newer)).isEqualTo(
                "{\"assessment\":\"CoverageEligibilityResponse/" + newer + "\",\"order\":\"MedicationRequest/mr-" + patient + "\"}");
        assertThat(appContext(body, older)).isEqualTo("{\"assessment\":\"CoverageEligibilityResponse/" + older + "\"}");
    }

    @Test
    void ehrLaunchWhenLaunchUriOnAnotherOriginThenRefused() throws Exception {
        HttpResponse<String> r = fetch(ORIGIN + "/auth/ehr-launch?patient=" + patientA + "&launch_uri="
                + enc("https://evil.example/launch"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void authorizeWhenBadRequestThenErrorToTheApp() throws Exception {
        String launch = launchFor(patientA);
        String challenge = challenge(verifier());
        // No PKCE.
        assertThat(error(authorize("launch openid", null, launch))).isEqualTo("invalid_request");
        // PKCE plain.
        assertThat(error(authorize("launch openid", challenge, launch).replace("S256", "plain")))
                .isEqualTo("invalid_request");
        // A launch value the EHR never made.
        assertThat(error(authorize("launch openid", challenge, "forged"))).isEqualTo("invalid_request");
        // Another FHIR server as audience.
        assertThat(error(authorize("launch openid", challenge, launch).replace(enc(FHIR), enc("https://other.example/fhir"))))
                .isEqualTo("invalid_request");
        // A scope the app is not registered for.
        assertThat(error(authorize("launch system/*.rs", challenge, launch))).isEqualTo("invalid_scope");
    }

    @Test
    void tokenWhenVerifierWrongThenInvalidGrant() throws Exception {
        String code = code(signedInAuthorize(authorize("launch openid", challenge(verifier()), launchFor(patientA))));
        HttpResponse<String> r = postForm(ORIGIN + "/oauth2/token", Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "client_id", APP,
                "code_verifier", verifier()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertNotCached(r);
    }

    @Test
    void backendServiceWhenSignedAssertionThenSystemToken() throws Exception {
        JsonNode token = backendToken("system/Patient.rs");
        assertThat(token.path("scope").asText()).isEqualTo("system/Patient.rs");
        assertThat(token.has("patient")).isFalse();
        String bearer = "Bearer " + token.path("access_token").asText();
        assertThat(get(FHIR + "/Patient/" + patientA, "Authorization", bearer).status()).isEqualTo(200);
        assertThat(get(FHIR + "/Patient/" + patientB, "Authorization", bearer).status()).isEqualTo(200);
        assertThat(post(FHIR + "/Patient", "{\"resourceType\":\"Patient\"}", "Authorization", bearer).status())
                .isEqualTo(403);
    }

    @Test
    void backendServiceWhenAssertionSignedByAnotherKeyOrScopeBeyondRegistrationThenRefused() throws Exception {
        HttpResponse<String> forged = postForm(ORIGIN + "/oauth2/token",
                backendRequest(TestKeys.rsa("backend-1"), "system/Patient.rs"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(forged.body()).path("error").asText()).isEqualTo("invalid_client");
        HttpResponse<String> tooMuch = postForm(ORIGIN + "/oauth2/token", backendRequest(BACKEND_KEY, "system/*.cruds"));
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMuch.body()).path("error").asText()).isEqualTo("invalid_scope");
        assertNotCached(forged);
        assertNotCached(tooMuch);
    }

    // ---- the flows ----

    static String authorize(String scope, String challenge, String launch) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", APP);
        p.put("redirect_uri", REDIRECT);
        p.put("scope", scope);
        p.put("state", UUID.randomUUID().toString());
        p.put("aud", FHIR);
        if (challenge != null) {
            p.put("code_challenge", challenge);
            p.put("code_challenge_method", "S256");
        }
        if (launch != null) {
            p.put("launch", launch);
        }
        return ORIGIN + "/oauth2/authorize?" + form(p);
    }

    /** The authorize request after signing in (once per test class's browser): the redirect to the app. */
    HttpResponse<String> signedInAuthorize(String url) throws Exception {
        HttpResponse<String> r = fetch(url);
        if (location(r).equals(ORIGIN + "/auth/login")) {
            r = follow(signIn(follow(r)));
        }
        return r;
    }

    HttpResponse<String> signIn(HttpResponse<String> loginPage) throws Exception {
        assertThat(loginPage.statusCode()).isEqualTo(200);
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(loginPage.body());
        assertThat(csrf.find()).as("CSRF token in %s", loginPage.body()).isTrue();
        HttpResponse<String> r = postForm(ORIGIN + "/auth/login",
                Map.of("username", "dev-clinician", "password", "development", "_csrf", csrf.group(1)));
        assertThat(r.statusCode()).isEqualTo(302);
        return r;
    }

    String launchFor(String patient) throws Exception {
        HttpResponse<String> r = fetch(ORIGIN + "/auth/ehr-launch?patient=" + patient + "&launch_uri=" + enc(REDIRECT));
        return query(URI.create(location(r)).getRawQuery()).get("launch");
    }

    String error(String authorizeUrl) throws Exception {
        HttpResponse<String> r = signedInAuthorize(authorizeUrl);
        String location = location(r);
        if (!location.startsWith(REDIRECT)) {
            // Errors the library cannot send back to a verified redirect URI are answered on the page.
            assertThat(r.statusCode()).as("answer to %s: %s", authorizeUrl, r.body()).isEqualTo(400);
            return "invalid_request";
        }
        return query(URI.create(location).getRawQuery()).get("error");
    }

    static String code(HttpResponse<String> redirect) {
        String location = location(redirect);
        assertThat(location).as("redirect %s: %s", redirect.statusCode(), redirect.body()).startsWith(REDIRECT);
        Map<String, String> params = query(URI.create(location).getRawQuery());
        assertThat(params).as("redirect %s", location).containsKey("code");
        return params.get("code");
    }

    JsonNode exchange(String code, String verifier) throws Exception {
        HttpResponse<String> r = postForm(ORIGIN + "/oauth2/token", Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "client_id", APP,
                "code_verifier", verifier));
        assertThat(r.statusCode()).as("token: %s", r.body()).isEqualTo(200);
        assertNotCached(r);
        return JSON.readTree(r.body());
    }

    JsonNode backendToken(String scope) throws Exception {
        HttpResponse<String> r = postForm(ORIGIN + "/oauth2/token", backendRequest(BACKEND_KEY, scope));
        assertThat(r.statusCode()).as("token: %s", r.body()).isEqualTo(200);
        assertNotCached(r);
        return JSON.readTree(r.body());
    }

    /** RFC 6749 section 5.1, SMART App Launch: a token answer, granted or refused, is stored by no cache. */
    static void assertNotCached(HttpResponse<String> tokenAnswer) {
        assertThat(tokenAnswer.headers().allValues("Cache-Control")).as("Cache-Control").containsExactly("no-store");
        assertThat(tokenAnswer.headers().allValues("Pragma")).as("Pragma").containsExactly("no-cache");
    }

    static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** SMART Backend Services: a client assertion signed RS384, {@code aud} the token endpoint. */
    static Map<String, String> backendRequest(RSAKey key, String scope) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(BACKEND)
                .subject(BACKEND)
                .audience(ORIGIN + "/oauth2/token")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(240)))
                .build();
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(), claims);
        assertion.sign(new RSASSASigner(key));
        return Map.of(
                "grant_type", "client_credentials",
                "scope", scope,
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion.serialize());
    }

    String createWith(String bearer, String json) {
        return create(bearer, "Patient", json);
    }

    String create(String bearer, String type, String json) {
        Response r = post(FHIR + "/" + type, json, "Authorization", bearer);
        assertThat(r.status()).as("create: %s", r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    /** A stored assessment of the patient, as the CDS service stores one. */
    String createAssessment(String bearer, String patient, String request, String created, String drug) {
        return create(bearer, "CoverageEligibilityResponse", "{\"resourceType\":\"CoverageEligibilityResponse\","
                + "\"status\":\"active\",\"purpose\":[\"auth-requirements\"],\"patient\":{\"reference\":\"Patient/"
                + patient + "\"},\"created\":\"" + created + "\","
                + "\"request\":{\"reference\":\"" + request + "\"},"
                + "\"outcome\":\"complete\",\"insurer\":{\"display\":\"Payer\"}"
                + (drug == null ? "" : ",\"insurance\":[{\"coverage\":{\"display\":\"Plan\"},"
                        + "\"item\":[{\"productOrService\":{\"text\":\"" + drug + "\"}}]}]")
                + "}");
    }

    /** The app_context of the development EHR's link that launches from the card of this assessment. */
    static String appContext(String html, String assessmentId) {
        Matcher m = Pattern.compile("href=\"([^\"]*app_context=[^\"]*)\"").matcher(html);
        while (m.find()) {
            String context = query(URI.create(m.group(1).replace("&amp;", "&")).getRawQuery()).get("app_context");
            if (context.contains("CoverageEligibilityResponse/" + assessmentId + "\"")) {
                return context;
            }
        }
        throw new AssertionError("no card link for assessment " + assessmentId + " in " + html);
    }

    // ---- HTTP as a browser does it: cookies kept, redirects one at a time ----

    HttpResponse<String> fetch(String url) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> follow(HttpResponse<String> redirect) throws IOException, InterruptedException {
        assertThat(redirect.statusCode()).as("redirect: %s", redirect.body()).isIn(302, 303);
        return fetch(location(redirect));
    }

    HttpResponse<String> postForm(String url, Map<String, String> fields) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String location(HttpResponse<String> r) {
        String location = r.headers().firstValue("Location").orElse("");
        return location.startsWith("/") ? ORIGIN + location : location;
    }

    static String link(String html, String patientId) {
        Matcher m = Pattern.compile("href=\"([^\"]*patient=" + Pattern.quote(patientId) + "[^\"]*)\"").matcher(html);
        assertThat(m.find()).as("a link to patient %s in %s", patientId, html).isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String verifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) throws NoSuchAlgorithmException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
