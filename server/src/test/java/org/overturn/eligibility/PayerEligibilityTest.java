package org.overturn.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.overturn.store.ReadOnlyStore;

/**
 * What a payer that answers eligibility itself is sent (the request and what it references) and which of its answers
 * count. The call itself goes through PayerGateway over HTTP and is covered by PayerEligibilityIT.
 */
class PayerEligibilityTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String BASE = "http://overturn.example.org/fhir";
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private static <T extends Resource> T withId(T resource, String id) {
        resource.setId(id);
        return resource;
    }

    private static Bundle parse(String json) {
        return CTX.newJsonParser().parseResource(Bundle.class, json);
    }

    @Test
    void bundleWhenTheRequestReferencesLocalResourcesThenTheyFollowTransitivelyUnderTheirUrlsHere() throws Exception {
        Patient patient = withId(new Patient().setManagingOrganization(new Reference("Organization/clinic")), "p1");
        Coverage coverage = withId(new Coverage().setBeneficiary(new Reference("Patient/p1")), "c1");
        coverage.addPayor(new Reference("Organization/payer"));
        PayerEligibility eligibility = new PayerEligibility(CTX, null, ReadOnlyStore.of(patient, coverage,
                withId(new Organization().setName("Example Health Plan"), "payer"),
                withId(new Organization().setName("Example Oncology Clinic"), "clinic")));
        CoverageEligibilityRequest request = withId(new CoverageEligibilityRequest().setPatient(new Reference("Patient/p1"))
                .setProvider(new Reference("Practitioner/gone"))
                .setInsurer(new Reference("https://payer.example.org/fhir/Organization/x")), "r9");
        request.addInsurance().setCoverage(new Reference("Coverage/c1"));

        String json = eligibility.bundle(request, BASE + "/", NOW);
        Bundle bundle = parse(json);

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(bundle.getTimestamp()).isEqualTo(Date.from(NOW));
        CoverageEligibilityRequest first = (CoverageEligibilityRequest) bundle.getEntryFirstRep().getResource();
        assertThat(bundle.getEntryFirstRep().getFullUrl()).startsWith("urn:uuid:");
        // The request has no URL of its own yet (the parser would take one from fullUrl, so the JSON is read as sent).
        assertThat(new ObjectMapper().readTree(json).at("/entry/0/resource").has("id")).isFalse();
        // The request's references become absolute; one the store lacks is still made absolute, without its resource.
        assertThat(first.getPatient().getReference()).isEqualTo(BASE + "/Patient/p1");
        assertThat(first.getInsuranceFirstRep().getCoverage().getReference()).isEqualTo(BASE + "/Coverage/c1");
        assertThat(first.getProvider().getReference()).isEqualTo(BASE + "/Practitioner/gone");
        assertThat(first.getInsurer().getReference()).isEqualTo("https://payer.example.org/fhir/Organization/x");
        assertThat(bundle.getEntry().subList(1, bundle.getEntry().size())).extracting(Bundle.BundleEntryComponent::getFullUrl)
                .containsExactlyInAnyOrder(BASE + "/Patient/p1", BASE + "/Coverage/c1", BASE + "/Organization/payer",
                        BASE + "/Organization/clinic");
        assertThat(request.getPatient().getReference()).as("the caller's request is left as it was").isEqualTo("Patient/p1");
    }

    @Test
    void bundleWhenReferencesChainOnThenTheBundleIsBounded() {
        List<Resource> chain = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            chain.add(withId(new Organization().setPartOf(new Reference("Organization/o" + (i + 1))), "o" + i));
        }
        PayerEligibility eligibility = new PayerEligibility(CTX, null, ReadOnlyStore.of(chain.toArray(Resource[]::new)));
        CoverageEligibilityRequest request = new CoverageEligibilityRequest().setInsurer(new Reference("Organization/o0"));

        Bundle bundle = parse(eligibility.bundle(request, BASE, NOW));

        assertThat(bundle.getEntry()).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(101);
        assertThat(((CoverageEligibilityRequest) bundle.getEntryFirstRep().getResource()).getInsurer().getReference())
                .as("a base without a trailing slash").isEqualTo(BASE + "/Organization/o0");
    }

    @Test
    void responseWhenThePayerAnswersAsSubmitAllowsThenTheEligibilityResponseElseNothing() {
        CoverageEligibilityResponse answer = new CoverageEligibilityResponse().setDisposition("Covered");

        assertThat(PayerEligibility.response(answer)).isSameAs(answer);
        Bundle bundle = new Bundle();
        bundle.addEntry().setResource(answer);
        bundle.addEntry().setResource(new OperationOutcome());
        assertThat(PayerEligibility.response(bundle)).isSameAs(answer);
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("return").setResource(bundle);
        assertThat(PayerEligibility.response(parameters)).isSameAs(answer);

        Bundle outcomeFirst = new Bundle();
        outcomeFirst.addEntry().setResource(new OperationOutcome());
        outcomeFirst.addEntry().setResource(answer);
        assertThat(PayerEligibility.response(outcomeFirst)).as("only the first entry is the answer").isNull();
        assertThat(PayerEligibility.response(new OperationOutcome())).isNull();
        assertThat(PayerEligibility.response(new Parameters())).isNull();
        assertThat(PayerEligibility.response(null)).isNull();
    }
}
