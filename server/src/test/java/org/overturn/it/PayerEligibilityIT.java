package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.overturn.eligibility.EligibilityExtensions;
import org.overturn.fixtures.Scenarios;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * CoverageEligibilityRequest/$submit for a payer whose route forwards eligibility: the payer (WireMock) answers, its
 * answer is stored with the request (once per request identifier), and a payer that fails is a 502, 503 or 504 with
 * nothing stored.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PayerEligibilityIT extends ServerTest implements EligibilityRequests {
    /** The payor of the alectinib chart's Coverage. */
    private static final String CIGNA = "http://overturn.example.org/payer-id|cigna";
    private static final String SUBMIT = "/eligibility-payer/CoverageEligibilityRequest/$submit";
    private static final String DOWN = "http://overturn.example.org/payer-id|eligibility-down-payer";
    private static final WireMockServer PAYER = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        PAYER.start();
    }

    @DynamicPropertySource
    static void routedPayer(DynamicPropertyRegistry registry) throws IOException {
        registry.add("overturn.data-dir", Files.createTempDirectory("overturn-eligibility-it-")::toString);
        registry.add("overturn.pas.payers[0].identifier", () -> CIGNA);
        registry.add("overturn.pas.payers[0].endpoint", () -> "http://localhost:" + PAYER.port() + "/eligibility-payer");
        registry.add("overturn.pas.payers[0].bearer-token", () -> "eligibility-token");
        registry.add("overturn.pas.payers[0].timeout", () -> "2s");
        registry.add("overturn.pas.payers[0].eligibility", () -> "true");
        registry.add("overturn.pas.outbox.enabled", () -> "false");
        registry.add("overturn.pas.outbox.breaker.failure-threshold", () -> "3");
        registry.add("overturn.pas.outbox.breaker.open-duration", () -> "10m");
        // A payer that is down, with a circuit breaker of its own.
        registry.add("overturn.pas.payers[1].identifier", () -> DOWN);
        registry.add("overturn.pas.payers[1].endpoint", () -> "http://localhost:" + PAYER.port() + "/down-payer");
        registry.add("overturn.pas.payers[1].timeout", () -> "2s");
        registry.add("overturn.pas.payers[1].eligibility", () -> "true");
    }

    @AfterAll
    static void stopPayer() {
        PAYER.stop();
    }

    private static MappingBuilder submitOf(String requestId) {
        return WireMock.post(urlEqualTo(SUBMIT)).withRequestBody(containing(requestId));
    }

    /** The payer's answer: PA required for the item, under the coverage as the payer names it. */
    static String payerAnswer(String disposition) {
        CoverageEligibilityResponse response = new CoverageEligibilityResponse();
        response.setStatus(CoverageEligibilityResponse.EligibilityResponseStatus.ACTIVE);
        response.addPurpose(CoverageEligibilityResponse.EligibilityResponsePurpose.AUTHREQUIREMENTS);
        response.setPatient(new Reference("Patient/payer-side"));
        response.setRequest(new Reference("CoverageEligibilityRequest/payer-side"));
        response.setInsurer(new Reference("Organization/payer-side"));
        response.setOutcome(Enumerations.RemittanceOutcome.COMPLETE);
        response.setDisposition(disposition);
        response.addIdentifier().setSystem("http://payer.example.org/eligibility").setValue("E-1");
        var insurance = response.addInsurance().setCoverage(new Reference("Coverage/payer-side")).setInforce(true);
        insurance.addItem().setAuthorizationRequired(true).setAuthorizationUrl("http://payer.example.org/pa-forms/alectinib");
        return CTX.newJsonParser().encodeResourceToString(response);
    }

    private int payerCalls(String requestId) {
        return PAYER.findAll(postRequestedFor(urlEqualTo(SUBMIT)).withRequestBody(containing(requestId))).size();
    }

    @Test
    void submitWhenPayerRoutesEligibilityThenItsAnswerIsStoredWithTheRequestOncePerIdentifier() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String id = "E-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(payerAnswer("Alectinib needs prior authorization under this plan"))));

        Response r = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, id));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(answer.path("disposition").asText()).isEqualTo("Alectinib needs prior authorization under this plan");
        assertThat(answer.path("insurance").get(0).path("item").get(0).path("authorizationRequired").asBoolean()).isTrue();
        assertThat(answer.path("insurance").get(0).path("coverage").path("reference").asText()).isEqualTo("Coverage/" + ids.get("Coverage"));
        assertThat(answer.path("patient").path("reference").asText()).isEqualTo("Patient/" + ids.get("Patient"));
        assertThat(EligibilityContract.extension(answer, EligibilityExtensions.ASSESSMENT).isMissingNode())
                .as("the payer's answer, not the knowledge's").isTrue();
        String requestRef = answer.path("request").path("reference").asText();
        JsonNode storedRequest = get(requestRef).json();
        assertThat(storedRequest.path("identifier").get(0).path("value").asText()).isEqualTo(id);
        assertThat(get("CoverageEligibilityResponse/" + answer.path("id").asText()).status()).isEqualTo(200);

        LoggedRequest sent = PAYER.findAll(postRequestedFor(urlEqualTo(SUBMIT)).withRequestBody(containing(id))).get(0);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer eligibility-token");
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, sent.getBodyAsString());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        CoverageEligibilityRequest forwarded = (CoverageEligibilityRequest) bundle.getEntryFirstRep().getResource();
        assertThat(forwarded.getPatient().getReference()).isEqualTo(base() + "/Patient/" + ids.get("Patient"));
        List<String> entries = bundle.getEntry().stream().map(e -> e.getFullUrl()).toList();
        assertThat(entries).contains(base() + "/Patient/" + ids.get("Patient"), base() + "/Coverage/" + ids.get("Coverage"));
        assertThat(bundle.getEntry().stream().map(e -> e.getResource()).map(Resource::fhirType))
                .contains("Patient", "Coverage", "Organization");

        Response again = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, id));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(answer.path("id").asText());
        assertThat(payerCalls(id)).as("a resubmitted identifier is not asked again").isEqualTo(1);
        assertThat(storedEligibilityRequests(id)).isEqualTo(1);
    }

    @Test
    void submitWhenPayerIsUnavailableThen503AndNothingStored() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String id = "E-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(aResponse().withStatus(503)));
        Response r = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, id));
        assertThat(r.assertOutcome(503)).isEqualTo("OVT-503-PAYER");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains(CIGNA).contains("nothing was stored");
        assertThat(storedEligibilityRequests(id)).isZero();
    }

    @Test
    void submitWhenPayerIsTooSlowThen504AndNothingStored() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String id = "E-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(aResponse().withStatus(200).withFixedDelay(5000).withBody(payerAnswer("late"))));
        Response r = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, id));
        assertThat(r.assertOutcome(504)).isEqualTo("OVT-504-PAYER");
        assertThat(storedEligibilityRequests(id)).isZero();
    }

    @Test
    void submitWhenPayerAnswersGarbageOrRefusesThen502SayingWhatItSaid() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String garbage = "E-" + unique();
        PAYER.stubFor(submitOf(garbage).willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
        Response r = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, garbage));
        assertThat(r.assertOutcome(502)).isEqualTo("OVT-502-PAYER");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains("without a CoverageEligibilityResponse");
        assertThat(storedEligibilityRequests(garbage)).isZero();

        String refused = "E-" + unique();
        PAYER.stubFor(submitOf(refused).willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/fhir+json")
                .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                        + "\"diagnostics\":\"Member not eligible on the service date\"}]}")));
        Response no = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, refused));
        assertThat(no.assertOutcome(502)).isEqualTo("OVT-502-PAYER");
        assertThat(no.json().path("issue").get(0).path("diagnostics").asText())
                .contains("HTTP 422").contains("Member not eligible on the service date");
        assertThat(storedEligibilityRequests(refused)).isZero();
    }

    @Test
    void submitWhenPayerKeepsFailingThenItsBreakerOpensAndTheNextRequestIs503WithoutCallingIt() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        // The chart's coverage, but paid by the payer that is down.
        ids = paidBy(ids, DOWN);
        String down = "/down-payer/CoverageEligibilityRequest/$submit";
        PAYER.stubFor(WireMock.post(urlEqualTo(down)).willReturn(aResponse().withStatus(500)));

        for (int i = 0; i < 3; i++) {
            Response r = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, "E-" + unique()));
            assertThat(r.assertOutcome(502)).isEqualTo("OVT-502-PAYER");
        }
        assertThat(PAYER.findAll(postRequestedFor(urlEqualTo(down)))).hasSize(3);

        String id = "E-" + unique();
        Response open = post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, id));
        assertThat(open.assertOutcome(503)).isEqualTo("OVT-503-PAYER");
        assertThat(open.json().path("issue").get(0).path("diagnostics").asText()).contains("circuit breaker open");
        assertThat(PAYER.findAll(postRequestedFor(urlEqualTo(down)))).as("not called while open").hasSize(3);
        assertThat(storedEligibilityRequests(id)).isZero();
    }
}
