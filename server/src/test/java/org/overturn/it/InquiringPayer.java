package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;
import org.overturn.cases.WorkflowSteps;

/**
 * A stand-in payer (WireMock on 127.0.0.1) for tests that kill the server while it forwards PA requests:
 * {@code Claim/$submit} records the Claim identifier and approves after a delay; {@code Claim/$inquire} answers the
 * approval (with the Claim, as PAS inquiry responses carry it) for a recorded identifier, and an empty Parameters for
 * any other. The identifier is recorded when a request arrives, before the delay: a request the server was killed
 * waiting for is known here, so the restarted server finds it by inquiry and must not send it again.
 */
final class InquiringPayer implements AutoCloseable {
    static final String PAYER_ID = "http://overturn.example.org/payer-id|crash-test-payer";
    /** The server's PA Tasks (one per accepted request, completed once the payer's answer is recorded). */
    static final String PA_TASKS = "Task?code=" + WorkflowSteps.SYSTEM + "|" + WorkflowSteps.PRIOR_AUTHORIZATION;
    private static final FhirContext CTX = FhirContext.forR4Cached();

    private final WireMockServer server = new WireMockServer(
            options().bindAddress("127.0.0.1").dynamicPort().extensions(new Memory()));

    InquiringPayer(Duration submitDelay) {
        server.start();
        server.stubFor(WireMock.post(urlEqualTo("/Claim/$submit"))
                .willReturn(aResponse().withFixedDelay((int) submitDelay.toMillis()).withTransformers(Memory.NAME)));
        server.stubFor(WireMock.post(urlEqualTo("/Claim/$inquire")).willReturn(aResponse().withTransformers(Memory.NAME)));
    }

    /** Server settings that route PA requests for {@link #PAYER_ID} here. */
    List<String> routing() {
        return List.of("--overturn.pas.payers[0].identifier=" + PAYER_ID,
                "--overturn.pas.payers[0].endpoint=http://127.0.0.1:" + server.port(),
                "--overturn.pas.payers[0].timeout=3s");
    }

    /** {@code Claim/$submit} calls received, all Claims. */
    int submissions() {
        return server.findAll(postRequestedFor(urlEqualTo("/Claim/$submit"))).size();
    }

    /** {@code Claim/$submit} calls received for the Claim with this identifier. */
    int submissions(String claimIdentifier) {
        return server.findAll(postRequestedFor(urlEqualTo("/Claim/$submit")).withRequestBody(containing(claimIdentifier))).size();
    }

    int inquiries() {
        return server.findAll(postRequestedFor(urlEqualTo("/Claim/$inquire"))).size();
    }

    /** A PAS request Bundle (the alectinib scenario) with this Claim identifier, for a patient insured by this payer. */
    static String request(String claimIdentifier) {
        Bundle request = PasBundles.request(Scenarios.ALECTINIB_CA.bundleJson(), "MB-" + claimIdentifier, claimIdentifier);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Organization insurer = (Organization) PasBundles.find(request, claim.getInsurer().getReference());
        insurer.getIdentifier().clear();
        insurer.addIdentifier().setSystem(PAYER_ID.split("\\|")[0]).setValue(PAYER_ID.split("\\|")[1]);
        return PasBundles.json(request);
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The payer's memory of the Claim identifiers it has received, and its answers. */
    static final class Memory implements ResponseDefinitionTransformerV2 {
        static final String NAME = "inquiring-payer";
        private final Set<String> received = ConcurrentHashMap.newKeySet();

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Bundle body = CTX.newJsonParser().parseResource(Bundle.class, event.getRequest().getBodyAsString());
            Claim claim = (Claim) body.getEntryFirstRep().getResource();
            String id = claim.getIdentifierFirstRep().getValue();
            String answer;
            if (event.getRequest().getUrl().endsWith("$submit")) {
                received.add(id);
                answer = approval(null);
            } else {
                Parameters parameters = new Parameters();
                if (received.contains(id)) {
                    parameters.addParameter().setName("return").setResource(CTX.newJsonParser().parseResource(Bundle.class, approval(claim)));
                }
                answer = CTX.newJsonParser().encodeResourceToString(parameters);
            }
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json").withBody(answer).build();
        }
    }

    /** The payer's approval; for an inquiry, with the inquired Claim as the request it answers. */
    private static String approval(Claim inquired) {
        ClaimResponse response = new ClaimResponse().setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE)
                .setUse(ClaimResponse.Use.PREAUTHORIZATION).setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE)
                .setPreAuthRef("PAYER-OK").setPatient(new Reference("Patient/payer-side"));
        ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(1).addAdjudication()
                .setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        Extension action = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        action.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, "A1", null)));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("http://payer.example.org/fhir/ClaimResponse/1").setResource(response);
        if (inquired != null) {
            response.setRequest(new Reference("Claim/payer-1"));
            Claim claim = new Claim();
            inquired.getIdentifier().forEach(i -> claim.addIdentifier(i.copy()));
            bundle.addEntry().setFullUrl("http://payer.example.org/fhir/Claim/payer-1").setResource(claim);
        }
        return CTX.newJsonParser().encodeResourceToString(bundle);
    }
}
