package org.overturn.evidence;

import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;

/** A snapshot of one patient's chart: the FHIR resources criteria may need, as read from a {@link ChartSource}. */
public record Chart(
        Patient patient,
        List<Condition> conditions,
        List<Observation> observations,
        List<DiagnosticReport> reports,
        List<MedicationStatement> medicationStatements,
        List<MedicationRequest> medicationRequests,
        List<Procedure> procedures,
        List<AllergyIntolerance> allergies) {

    public Chart {
        conditions = List.copyOf(conditions);
        observations = List.copyOf(observations);
        reports = List.copyOf(reports);
        medicationStatements = List.copyOf(medicationStatements);
        medicationRequests = List.copyOf(medicationRequests);
        procedures = List.copyOf(procedures);
        allergies = List.copyOf(allergies);
    }
}
