package org.overturn.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredResource;

/** Reads a chart from this server's own store, one search per resource type by patient. */
final class StoreChartSource implements ChartSource {
    /** A chart larger than this per type is cut; evaluation then says so through missing evidence, never guesses. */
    private static final String LIMIT = "1000";

    private final ResourceStore store;

    StoreChartSource(ResourceStore store) {
        this.store = store;
    }

    @Override
    public Chart read(String patientId) {
        Patient patient = (Patient) store.read("Patient", patientId).content();
        List<Observation> observations = search(Observation.class, "Observation", patientId);
        List<DiagnosticReport> reports = search(DiagnosticReport.class, "DiagnosticReport", patientId);
        namePerformers(observations, reports);
        return new Chart(
                patient,
                search(Condition.class, "Condition", patientId),
                observations,
                reports,
                search(MedicationStatement.class, "MedicationStatement", patientId),
                search(MedicationRequest.class, "MedicationRequest", patientId),
                search(Procedure.class, "Procedure", patientId),
                search(AllergyIntolerance.class, "AllergyIntolerance", patientId));
    }

    /**
     * The performing laboratory by name, as a reviewer expects it: each performer reference without a display gets
     * its Organization's name, and an Observation without a performer takes the performer of the DiagnosticReport
     * whose result it is.
     */
    private void namePerformers(List<Observation> observations, List<DiagnosticReport> reports) {
        for (DiagnosticReport r : reports) {
            r.getPerformer().forEach(this::name);
        }
        for (Observation o : observations) {
            o.getPerformer().forEach(this::name);
            if (o.hasPerformer()) {
                continue;
            }
            String ref = o.getIdElement().toUnqualifiedVersionless().getValue();
            reports.stream().filter(r -> r.getResult().stream().anyMatch(x -> ref.equals(x.getReferenceElement().toUnqualifiedVersionless().getValue())))
                    .findFirst().ifPresent(r -> r.getPerformer().forEach(p -> o.addPerformer(p.copy())));
        }
    }

    private void name(Reference performer) {
        if (performer.hasDisplay() || !"Organization".equals(performer.getReferenceElement().getResourceType())) {
            return;
        }
        store.find("Organization/" + performer.getReferenceElement().getIdPart())
                .map(s -> (Organization) s.resource()).filter(Organization::hasName).ifPresent(org -> performer.setDisplay(org.getName()));
    }

    private <T extends IBaseResource> List<T> search(Class<T> type, String typeName, String patientId) {
        SearchRequest request = store.parse(
                typeName, Map.of("patient", List.of("Patient/" + patientId), "_count", List.of(LIMIT)), false);
        List<T> out = new ArrayList<>();
        for (StoredResource stored : store.search(request).items()) {
            out.add(type.cast(stored.resource()));
        }
        return out;
    }
}
