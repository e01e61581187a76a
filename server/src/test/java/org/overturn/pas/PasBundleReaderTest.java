package org.overturn.pas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/** How a PAS request Bundle's references resolve, and which Bundles are refused before anything is stored. */
class PasBundleReaderTest {
    private static final String EHR = "http://ehr.example.org/fhir/";
    private final List<String> checked = new ArrayList<>();
    private final PasBundleReader reader = new PasBundleReader(FhirContext.forR4Cached(), r -> checked.add(r.fhirType()));

    /** A Claim and its patient, insurer, provider and coverage, with RESTful fullUrls and relative references. */
    private static Bundle request() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        Claim claim = new Claim().setUse(Claim.Use.PREAUTHORIZATION);
        claim.addIdentifier().setSystem("urn:test").setValue("PA-1");
        claim.setPatient(new Reference("Patient/p1"));
        claim.setInsurer(new Reference(EHR + "Organization/payer"));
        claim.setProvider(new Reference("Practitioner/dr/_history/3"));
        claim.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference("urn:uuid:7d2d0a55-0000-4000-8000-000000000001"));
        claim.addItem().setSequence(1);
        bundle.addEntry().setFullUrl(EHR + "Claim/c1").setResource(claim);
        bundle.addEntry().setFullUrl(EHR + "Patient/p1").setResource(new Patient().setActive(true));
        bundle.addEntry().setFullUrl(EHR + "Organization/payer").setResource(new Organization().setName("Payer"));
        bundle.addEntry().setFullUrl(EHR + "Practitioner/dr").setResource(new Practitioner().setActive(true));
        Coverage coverage = new Coverage().setBeneficiary(new Reference("Patient/p1"));
        coverage.addPayor(new Reference("Organization/payer"));
        bundle.addEntry().setFullUrl("urn:uuid:7d2d0a55-0000-4000-8000-000000000001").setResource(coverage);
        return bundle;
    }

    /**
     * What a request asks, as a digest: the same when a client sends it again with new names for its entries, another
     * when the Claim asks for something else or for another member.
     */
    @Test
    void digestWhenEntriesAreNamedAnewThenTheSameAndWhenTheRequestDiffersThenAnother() {
        String digest = reader.read(request(), false).digest();
        Bundle renamed = request();
        String urn = "urn:uuid:7d2d0a55-0000-4000-8000-0000000000ff";
        renamed.getEntry().get(4).setFullUrl(urn);
        ((Claim) renamed.getEntryFirstRep().getResource()).getInsuranceFirstRep().setCoverage(new Reference(urn));
        renamed.getEntry().get(1).setFullUrl("urn:uuid:7d2d0a55-0000-4000-8000-0000000000aa");
        ((Claim) renamed.getEntryFirstRep().getResource()).setPatient(new Reference("urn:uuid:7d2d0a55-0000-4000-8000-0000000000aa"));
        ((Coverage) renamed.getEntry().get(4).getResource()).setBeneficiary(new Reference("urn:uuid:7d2d0a55-0000-4000-8000-0000000000aa"));
        assertThat(reader.read(renamed, false).digest()).isEqualTo(digest);

        Bundle moreItems = request();
        ((Claim) moreItems.getEntryFirstRep().getResource()).addItem().setSequence(2);
        assertThat(reader.read(moreItems, false).digest()).isNotEqualTo(digest);
        Bundle otherMember = request();
        ((Patient) otherMember.getEntry().get(1).getResource()).addIdentifier().setSystem("urn:member").setValue("M-2");
        assertThat(reader.read(otherMember, false).digest()).isNotEqualTo(digest);
    }

    @Test
    void readWhenReferencesUseFullUrlsRelativeIdsAndVersionsThenAllResolveToNewServerIds() {
        PasRequest request = reader.read(request(), false);
        Claim claim = request.claim();
        Patient patient = request.resolve(claim.getPatient(), Patient.class).orElseThrow();
        assertThat(claim.getPatient().getReference()).startsWith("Patient/").isNotEqualTo("Patient/p1");
        assertThat(request.resolve(claim.getInsurer(), Organization.class)).isPresent();
        assertThat(request.resolve(claim.getProvider(), Practitioner.class)).isPresent();
        Coverage coverage = request.resolve(claim.getInsuranceFirstRep().getCoverage(), Coverage.class).orElseThrow();
        assertThat(coverage.getBeneficiary().getReference()).isEqualTo(claim.getPatient().getReference());
        assertThat(patient.getIdElement().getValue()).isEqualTo(claim.getPatient().getReference());
        assertThat(request.resources()).hasSize(5);
    }

    @Test
    void readWhenEveryEntryIsCheckedForRequiredElementsThenTheCheckSeesEachOnce() {
        reader.read(request(), false);
        assertThat(checked).containsExactly("Claim", "Patient", "Organization", "Practitioner", "Coverage");
    }

    @Test
    void readWhenAnEntryIsReachedFromNothingThenLeftOutUncheckedAndNamed() {
        Bundle bundle = request();
        // Reached from nothing, and itself pointing outside the Bundle: neither is the request's concern.
        bundle.addEntry().setFullUrl(EHR + "Organization/stray")
                .setResource(new Organization().setName("Stray").setPartOf(new Reference("Organization/elsewhere")));
        PasRequest request = reader.read(bundle, false);
        assertThat(request.ignored()).containsExactly("Bundle.entry[5] (Organization)");
        assertThat(request.resources()).extracting(r -> r.fhirType())
                .containsExactly("Claim", "Patient", "Organization", "Practitioner", "Coverage");
        assertThat(checked).hasSize(5);
    }

    @Test
    void readWhenTwoEntriesShareAFullUrlThenRefused() {
        Bundle bundle = request();
        bundle.addEntry().setFullUrl(EHR + "Patient/p1").setResource(new Patient().setActive(true));
        assertThatThrownBy(() -> reader.read(bundle, false))
                .hasMessageContaining("Bundle.entry[5] and Bundle.entry[1] are both");
    }

    @Test
    void readWhenClaimPatientIsAnOrganizationThenRefusedNamingTheField() {
        Bundle bundle = request();
        ((Claim) bundle.getEntryFirstRep().getResource()).setPatient(new Reference("Organization/payer"));
        assertThatThrownBy(() -> reader.read(bundle, false))
                .hasMessageContaining("Claim.patient must reference a Patient entry, not a Organization");
    }

    @Test
    void readWhenReferenceLeavesTheBundleThenEveryOneIsListedWithItsPath() {
        Bundle bundle = request();
        ((Coverage) bundle.getEntry().get(4).getResource()).addPayor(new Reference("Organization/elsewhere"));
        assertThatThrownBy(() -> reader.read(bundle, false))
                .hasMessageContaining("Bundle.entry[4].resource.payor[1] refers to 'Organization/elsewhere'");
    }

    @Test
    void readWhenRequestLacksIdentifierOrItemsThen422ButAnInquiryNeedsNeither() {
        Bundle bundle = request();
        Claim claim = (Claim) bundle.getEntryFirstRep().getResource();
        claim.getIdentifier().clear();
        claim.getItem().clear();
        assertThatThrownBy(() -> reader.read(bundle, false))
                .isInstanceOfSatisfying(OverturnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE))
                .hasMessageContaining("Claim.identifier").hasMessageContaining("Claim.item");
        assertThat(reader.read(bundle, true).claim()).isNotNull();
    }
}
