package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.overturn.summary.PatientSummaryService;

/** {@code POST /fhir/Claim/{id}/$patient-summary} (no parameters): answers the stored plain-language status summary. */
final class PatientSummaryOperationProvider {
    private final PatientSummaryService summaries;

    PatientSummaryOperationProvider(PatientSummaryService summaries) {
        this.summaries = summaries;
    }

    @Operation(name = "$patient-summary", type = Claim.class)
    public DocumentReference patientSummary(@IdParam IdType claimId) {
        return summaries.summarize(claimId.getIdPart());
    }
}
