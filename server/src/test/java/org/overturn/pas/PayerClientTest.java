package org.overturn.pas;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The inquiry Bundle built from a forwarded request, as a payer (and this server's own $inquire) reads it. */
class PayerClientTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String BASE = "http://overturn.example.org/fhir/";

    /** A request Bundle as the outbox forwards it: fullUrls under this server's base, references {@code Type/id}. */
    private static String forwarded() {
        Claim claim = new Claim().setUse(Claim.Use.PREAUTHORIZATION).setStatus(Claim.ClaimStatus.ACTIVE);
        claim.addIdentifier().setSystem("urn:test:pa").setValue("PA-42");
        claim.setPatient(new Reference("Patient/p1"));
        claim.setInsurer(new Reference("Organization/payer"));
        claim.setProvider(new Reference("Practitioner/dr"));
        claim.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference("Coverage/cov"));
        claim.addSupportingInfo().setSequence(1).setValue(new Reference("Observation/alk"));
        claim.addItem().setSequence(1);
        Patient patient = new Patient().setActive(true);
        patient.addIdentifier().setSystem("urn:test:member").setValue("MB-1");
        Coverage coverage = new Coverage().setBeneficiary(new Reference("Patient/p1"));
        coverage.addPayor(new Reference("Organization/payer"));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl(BASE + "Claim/c1").setResource(claim);
        bundle.addEntry().setFullUrl(BASE + "Patient/p1").setResource(patient);
        bundle.addEntry().setFullUrl(BASE + "Organization/payer").setResource(new Organization().setName("Payer")
                .addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:test:payer").setValue("p")));
        bundle.addEntry().setFullUrl(BASE + "Practitioner/dr").setResource(new Practitioner()
                .addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("1234567893")));
        bundle.addEntry().setFullUrl(BASE + "Coverage/cov").setResource(coverage);
        bundle.addEntry().setFullUrl(BASE + "Observation/alk").setResource(new Observation().setSubject(new Reference("Patient/p1")));
        return CTX.newJsonParser().encodeResourceToString(bundle);
    }

    @Test
    void inquiryWhenBuiltFromAForwardedRequestThenItNamesTheClaimAndCarriesOnlyWhatItReferences() {
        String json = new PayerClient(null, CTX).inquiry(forwarded(), java.time.Instant.parse("2026-03-02T10:00:00Z"));
        Bundle inquiry = CTX.newJsonParser().parseResource(Bundle.class, json);
        Claim claim = (Claim) inquiry.getEntryFirstRep().getResource();
        assertThat(claim.getIdentifierFirstRep().getValue()).isEqualTo("PA-42");
        assertThat(claim.hasItem()).isFalse();
        assertThat(claim.hasSupportingInfo()).isFalse();
        assertThat(inquiry.getEntry()).extracting(e -> e.getResource().fhirType())
                .containsExactlyInAnyOrder("Claim", "Patient", "Organization", "Practitioner", "Coverage");

        PasRequest read = new PasBundleReader(CTX, r -> {}).read(inquiry, true);
        assertThat(read.resolve(read.claim().getPatient(), Patient.class)).isPresent();
        assertThat(read.resolve(read.claim().getInsuranceFirstRep().getCoverage(), Coverage.class)).isPresent();
    }
}
