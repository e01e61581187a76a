package org.overturn.cases;

import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.jspecify.annotations.Nullable;

/**
 * A prior-authorization case as the store holds it, read by {@link CaseReader}: the Claim, its Coverage and Patient,
 * the subscriber (for the regime), the order and prescriber (for letters), the PA Task, and the payer's response
 * when the case was read from one.
 *
 * @param product what the Claim's first item asks for, with the order's medication codes added
 * @param prescriber the Practitioner behind Claim.provider, when it is one
 */
public record PaCase(
        @Nullable ClaimResponse response,
        Claim claim,
        Coverage coverage,
        Patient patient,
        @Nullable Resource subscriber,
        @Nullable MedicationRequest order,
        @Nullable Practitioner prescriber,
        @Nullable Task paTask,
        CodeableConcept product) {

    /** The response appealed; only cases read from a ClaimResponse have one. */
    public String responseRef() {
        return response == null ? "" : "ClaimResponse/" + response.getIdElement().getIdPart();
    }

    public String claimRef() {
        return "Claim/" + claim.getIdElement().getIdPart();
    }

    public String patientRef() {
        return "Patient/" + patient.getIdElement().getIdPart();
    }

    public @Nullable String prescriberRef() {
        return claim.hasProvider() ? claim.getProvider().getReference() : null;
    }
}
