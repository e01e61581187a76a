package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.overturn.fixtures.Scenarios;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The SMART app end to end in headless Chromium (Debian's {@code chromium}, driven by {@code playwright-core} from
 * npm), against this server with the development authorization server: the EHR launch and the Alecensa story
 * (coverage check, letter edited and saved, submission approved by the sandbox payer), the same drug denied for an
 * ALK-negative chart and appealed, the launch from a CDS card's SMART link (the card's appContext handed over by the
 * development EHR), and a standalone launch through the patient picker. The browser steps and their checks are in
 * {@code src/test/node/smart-app-e2e/e2e.mjs}; screenshots go to {@code target/smart-app-e2e/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("dev-auth")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartAppBrowserIT extends ServerTest {
    static final int PORT = DevAuthorizationServerIT.freePort();
    static final String ORIGIN = "http://127.0.0.1:" + PORT;
    static final String LOADER = "chart-loader";
    static final RSAKey LOADER_KEY = TestKeys.rsa("chart-loader-1");
    static final WireMockServer LOADER_KEYS = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final Path SCREENSHOTS = Path.of("target/smart-app-e2e");
    static final Duration STORIES_TIMEOUT = Duration.ofMinutes(4);

    static {
        LOADER_KEYS.start();
        LOADER_KEYS.stubFor(WireMock.get("/jwks.json").willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(LOADER_KEY.toPublicJWK()).toString())));
    }

    @DynamicPropertySource
    static void developmentAuthorizationServer(DynamicPropertyRegistry registry) throws IOException {
        registry.add("overturn.data-dir", Files.createTempDirectory("overturn-smart-app-it-")::toString);
        registry.add("server.port", () -> PORT);
        // The profile registers the SMART app; a list set here replaces the profile's, so both are named.
        registry.add("overturn.auth-server.clients[0].client-id", () -> "overturn-smart-app");
        registry.add("overturn.auth-server.clients[0].redirect-uris[0]", () -> ORIGIN + "/app/");
        registry.add("overturn.auth-server.clients[0].scopes",
                () -> "openid,fhirUser,launch,launch/patient,online_access,patient/*.cruds,user/*.cruds");
        // A backend client that stores the charts, as an EHR's interface engine would.
        registry.add("overturn.auth-server.clients[1].client-id", () -> LOADER);
        registry.add("overturn.auth-server.clients[1].jwks-uri", () -> LOADER_KEYS.baseUrl() + "/jwks.json");
        registry.add("overturn.auth-server.clients[1].scopes", () -> "system/*.cruds");
        // The CDS card's link points at this server's app.
        registry.add("overturn.cds.smart-launch-url", () -> ORIGIN + "/app/launch.html");
    }

    NodeProject node;
    String bearer;
    /** The Alecensa chart as the EHR holds it (fixed ids), with the order signed. */
    String approvePatient;
    /** The same story with both ALK results negative: the sandbox payer denies. */
    String denyPatient;
    /** The appContext of the SMART link on the CDS card for the Alecensa order. */
    String cardContext;

    @BeforeAll
    void chartsTheCardAndTheBrowser() throws Exception {
        node = new NodeProject(Path.of("src/test/node/smart-app-e2e"), SCREENSHOTS.resolve("logs")).installed("playwright-core");
        bearer = "Bearer " + loaderToken();

        var alecensa = Scenarios.ALECTINIB_CA;
        stored(post(ORIGIN + "/fhir", alecensa.ehrChartJson(), "Authorization", bearer));
        JsonNode hook = FhirHttp.JSON.readTree(alecensa.orderSelectJson());
        approvePatient = hook.path("context").path("patientId").asText();
        // The order, signed: the chart now holds it as an active MedicationRequest.
        var order = (com.fasterxml.jackson.databind.node.ObjectNode) hook.path("context").path("draftOrders").path("entry").get(0).path("resource");
        order.put("status", "active");
        stored(put(ORIGIN + "/fhir/MedicationRequest/" + order.path("id").asText(), order.toString(), "Authorization", bearer));

        Response denied = post(ORIGIN + "/fhir", alecensa.resource("variants/biomarker-negative/bundle.json"), "Authorization", bearer);
        stored(denied);
        denyPatient = StreamSupport.stream(denied.json().path("entry").spliterator(), false)
                .map(e -> e.path("response").path("location").asText())
                .filter(l -> l.startsWith("Patient/"))
                .map(l -> l.split("/")[1])
                .findFirst().orElseThrow();

        // The CDS service answers the order-select hook with a card whose SMART link names the stored assessment.
        Response cds = send("POST", ORIGIN + "/cds-services/overturn-order-select", "application/json", alecensa.orderSelectJson());
        assertThat(cds.status()).as(cds.body()).isEqualTo(200);
        cardContext = StreamSupport.stream(cds.json().path("cards").spliterator(), false)
                .flatMap(card -> StreamSupport.stream(card.path("links").spliterator(), false))
                .filter(link -> link.path("type").asText().equals("smart"))
                .map(link -> link.path("appContext").asText())
                .findFirst().orElseThrow(() -> new AssertionError("no SMART link on the cards: " + cds.body()));
    }

    @Test
    void storiesWhenClickedThroughInChromiumThenEachScreenAnswersAndScreenshotsAreSaved() throws Exception {
        NodeProject.Run run = stories(Map.of());

        assertThat(run.exitCode()).as("node e2e.mjs:%n%s", run.output()).isZero();
        JsonNode results = lastJsonLine(run.output());
        List<String> shots = StreamSupport.stream(results.path("screenshots").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(shots).hasSize(17);
        for (String shot : shots) {
            assertThat(Path.of(shot)).isNotEmptyFile();
        }
        assertThat(results.path("offHost")).isEmpty();
        Files.writeString(SCREENSHOTS.resolve("results.json"), results.toPrettyString());
        System.out.println("SMART app end to end: first screens " + results.path("firstScreenMs") + "; screenshots in " + SCREENSHOTS);
    }

    /** The browser checks can fail: the ALK-positive chart put where the denial is expected. */
    @Test
    void storiesWhenTheChartIsNotTheOneTheStoryNeedsThenTheRunFailsNamingTheCheck() throws Exception {
        NodeProject.Run run = stories(Map.of("E2E_DENY", approvePatient, "E2E_STORIES", "alecensa-denied-appealed",
                "E2E_SHOTS", SCREENSHOTS.resolve("must-fail").toString()));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("should say \\\"not met\\\"");
    }

    private NodeProject.Run stories(Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
                "E2E_ORIGIN", ORIGIN,
                "E2E_APPROVE", approvePatient,
                "E2E_DENY", denyPatient,
                "E2E_CARD_CONTEXT", cardContext,
                "E2E_SHOTS", SCREENSHOTS.toAbsolutePath().toString(),
                "CHROMIUM", chromium()));
        env.putAll(overrides);
        return node.run(List.of("node", "e2e.mjs"), env, STORIES_TIMEOUT);
    }

    /** Debian's chromium (CHROMIUM names another); the test fails saying how to install it when absent. */
    static String chromium() {
        String named = System.getenv("CHROMIUM");
        for (String candidate : named == null ? List.of("/usr/bin/chromium", "/usr/bin/chromium-browser") : List.of(named)) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("Chromium is not installed. The SMART app's browser tests need Debian's chromium"
                + " (apt-get install chromium; .ci/run does this in CI), or CHROMIUM naming a Chromium executable.");
    }

    static JsonNode lastJsonLine(String output) throws IOException {
        String[] lines = output.strip().split("\n");
        return FhirHttp.JSON.readTree(lines[lines.length - 1]);
    }

    static void stored(Response r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 201);
    }

    /** SMART Backend Services: client credentials with a signed assertion. */
    String loaderToken() throws JOSEException, IOException, InterruptedException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(LOADER).subject(LOADER)
                .audience(ORIGIN + "/oauth2/token").jwtID(UUID.randomUUID().toString())
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(240))).build();
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(LOADER_KEY.getKeyID()).build(), claims);
        assertion.sign(new RSASSASigner(LOADER_KEY));
        Map<String, String> form = Map.of("grant_type", "client_credentials", "scope", "system/*.cruds",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion.serialize());
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ORIGIN + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("token: %s", r.body()).isEqualTo(200);
        return FhirHttp.JSON.readTree(r.body()).path("access_token").asText();
    }
}
