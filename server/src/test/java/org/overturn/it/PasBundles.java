package org.overturn.it;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;

/**
 * PAS request and inquiry Bundles built from a scenario chart (a transaction Bundle in test-fixtures): the chart's
 * entries become the Bundle's entries, and a Claim for the chart's MedicationRequest goes first, listing the clinical
 * resources as supporting information. The Patient gets a member id of the test's choosing.
 */
final class PasBundles {
    static final String MEMBER_SYSTEM = "http://overturn.example.org/fhir/sid/test-member-id";
    static final String REQUEST_SYSTEM = "http://overturn.example.org/fhir/sid/test-pa-request";
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final List<String> SUPPORTING = List.of(
            "Condition", "Observation", "DiagnosticReport", "MedicationStatement", "Procedure", "AllergyIntolerance");

    private PasBundles() {}

    /** The PAS request Bundle for the chart's MedicationRequest, with the given member id and request identifier. */
    static Bundle request(String chartJson, String memberId, String requestId) {
        Bundle chart = CTX.newJsonParser().parseResource(Bundle.class, chartJson);
        Bundle pas = new Bundle().setType(Bundle.BundleType.COLLECTION);
        Claim claim = new Claim();
        pas.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(claim);
        String patient = null;
        String coverage = null;
        MedicationRequest order = null;
        String orderUrl = null;
        int sequence = 0;
        for (Bundle.BundleEntryComponent e : chart.getEntry()) {
            Resource resource = e.getResource();
            resource.setId((String) null);
            pas.addEntry().setFullUrl(e.getFullUrl()).setResource(resource);
            if (resource instanceof Patient p) {
                patient = e.getFullUrl();
                p.addIdentifier().setSystem(MEMBER_SYSTEM).setValue(memberId)
                        .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MB", "Member Number")));
            } else if (resource instanceof Coverage) {
                coverage = e.getFullUrl();
            } else if (resource instanceof MedicationRequest m) {
                order = m;
                orderUrl = e.getFullUrl();
            } else if (SUPPORTING.contains(resource.fhirType())) {
                claim.addSupportingInfo().setSequence(++sequence)
                        .setCategory(new CodeableConcept(new Coding(
                                "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation", null)))
                        .setValue(new Reference(e.getFullUrl()));
            }
        }
        Coverage cov = (Coverage) find(pas, coverage);
        claim.addIdentifier().setSystem(REQUEST_SYSTEM).setValue(requestId);
        claim.setStatus(Claim.ClaimStatus.ACTIVE);
        claim.setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/claim-type", "pharmacy", null)));
        claim.setUse(Claim.Use.PREAUTHORIZATION);
        claim.setPatient(new Reference(patient));
        claim.setCreated(new Date());
        claim.setInsurer(new Reference(cov.getPayorFirstRep().getReference()));
        claim.setProvider(new Reference(order.getRequester().getReference()));
        claim.setPriority(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal", null)));
        claim.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference(coverage));
        Claim.ItemComponent item = claim.addItem().setSequence(1).setProductOrService(order.getMedicationCodeableConcept().copy());
        item.addExtension(PasProfiles.REQUESTED_SERVICE, new Reference(orderUrl));
        return pas;
    }

    /**
     * An inquiry for an earlier request: a Claim naming the same member, insurer, provider and coverage, with only
     * those resources in the Bundle.
     */
    static Bundle inquiry(Bundle request, String identifier) {
        Claim original = (Claim) request.getEntryFirstRep().getResource();
        Claim claim = new Claim();
        claim.addIdentifier().setSystem(REQUEST_SYSTEM).setValue(identifier);
        claim.setStatus(Claim.ClaimStatus.ACTIVE);
        claim.setType(original.getType().copy());
        claim.setUse(Claim.Use.PREAUTHORIZATION);
        claim.setCreated(new Date());
        claim.setPriority(original.getPriority().copy());
        claim.setPatient(original.getPatient().copy());
        claim.setInsurer(original.getInsurer().copy());
        claim.setProvider(original.getProvider().copy());
        claim.addInsurance(original.getInsuranceFirstRep().copy());
        Bundle inquiry = new Bundle().setType(Bundle.BundleType.COLLECTION);
        inquiry.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(claim);
        for (String url : List.of(claim.getPatient().getReference(), claim.getInsurer().getReference(),
                claim.getProvider().getReference(), claim.getInsuranceFirstRep().getCoverage().getReference())) {
            Resource resource = find(request, url).copy();
            if (resource instanceof Patient p) {
                p.setManagingOrganization(null); // not part of the inquiry
            }
            inquiry.addEntry().setFullUrl(url).setResource(resource);
        }
        return inquiry;
    }

    /**
     * Makes {@code update} (a fresh request for the same chart) a PAS claim update of {@code earlier}: the same member,
     * and Claim.related naming the earlier Claim by its identifier with relationship prior (not carried in the Bundle).
     */
    static Bundle updateOf(Bundle update, Bundle earlier) {
        Claim claim = (Claim) update.getEntryFirstRep().getResource();
        Claim before = (Claim) earlier.getEntryFirstRep().getResource();
        Patient member = (Patient) find(update, claim.getPatient().getReference());
        Patient earlierMember = (Patient) find(earlier, before.getPatient().getReference());
        String memberId = earlierMember.getIdentifier().stream().filter(i -> MEMBER_SYSTEM.equals(i.getSystem()))
                .findFirst().orElseThrow().getValue();
        member.getIdentifier().stream().filter(i -> MEMBER_SYSTEM.equals(i.getSystem())).forEach(i -> i.setValue(memberId));
        claim.addRelated().setClaim(new Reference().setType("Claim").setIdentifier(before.getIdentifierFirstRep().copy()))
                .setRelationship(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior", null)));
        return update;
    }

    /** Adds a second item to the request, asking for the same order again (sequence 2). */
    static Bundle withSecondItem(Bundle request) {
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        claim.addItem(claim.getItemFirstRep().copy().setSequence(2));
        return request;
    }

    /** Withdraws item {@code sequence} the PAS way: the modifier extension infoCancelled = true. */
    static Bundle withdrawItem(Bundle request, int sequence) {
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        claim.getItem().stream().filter(i -> i.getSequence() == sequence).findFirst().orElseThrow()
                .addModifierExtension(PasProfiles.INFO_CANCELLED, new BooleanType(true));
        return request;
    }

    /** Cancels the whole request: certificationType 3 (cancel, X12 1322) on the Claim. */
    static Bundle cancelRequest(Bundle request) {
        ((Claim) request.getEntryFirstRep().getResource()).addExtension(PasProfiles.CERTIFICATION_TYPE,
                new CodeableConcept(new Coding(PasProfiles.X12_1322, PasProfiles.CERTIFICATION_CANCEL, "Cancel")));
        return request;
    }

    static Resource find(Bundle bundle, String fullUrl) {
        return bundle.getEntry().stream().filter(e -> fullUrl.equals(e.getFullUrl())).findFirst().orElseThrow().getResource();
    }

    static String json(Bundle bundle) {
        return CTX.newJsonParser().encodeResourceToString(bundle);
    }

    /** A request for the alectinib chart whose insurer is the routed payer {@code system|value}; its identifier is {@code requestId}. */
    static Bundle routedRequest(String requestId, String payerId) {
        Bundle request = request(Scenarios.ALECTINIB_CA.bundleJson(), "MB-" + UUID.randomUUID().toString().substring(0, 8), requestId);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Organization insurer = (Organization) find(request, claim.getInsurer().getReference());
        insurer.setName("Remote Test Payer").getIdentifier().clear();
        insurer.addIdentifier().setSystem(payerId.split("\\|")[0]).setValue(payerId.split("\\|")[1]);
        return request;
    }

    /** A payer's PAS response Bundle (JSON) with one item whose review action is {@code code}. */
    static String payerAnswer(String code, String preAuthRef) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("http://payer.example.org/fhir/ClaimResponse/1").setResource(payerResponse(code, preAuthRef));
        return json(bundle);
    }

    static ClaimResponse payerResponse(String code, String preAuthRef) {
        ClaimResponse response = new ClaimResponse().setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE)
                .setUse(ClaimResponse.Use.PREAUTHORIZATION).setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE)
                .setDisposition("Payer decision " + code).setPreAuthRef(preAuthRef)
                .setPatient(new Reference("Patient/payer-side"));
        response.addIdentifier().setSystem("http://payer.example.org/pa-response").setValue(preAuthRef);
        ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(1).addAdjudication()
                .setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        Extension action = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        action.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, code, null)));
        return response;
    }
}
