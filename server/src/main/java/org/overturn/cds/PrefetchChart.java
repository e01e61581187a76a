package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.overturn.evidence.Chart;

/** The resources of a CDS Hooks call (prefetch values and context.draftOrders), sorted by type. */
final class PrefetchChart {
    final List<IBaseResource> resources = new ArrayList<>();

    static PrefetchChart of(FhirContext ctx, Map<String, JsonNode> prefetch, JsonNode draftOrders) {
        PrefetchChart chart = new PrefetchChart();
        for (JsonNode value : prefetch.values()) {
            chart.add(ctx, value);
        }
        if (draftOrders != null && !draftOrders.isMissingNode() && !draftOrders.isNull()) {
            chart.add(ctx, draftOrders);
        }
        return chart;
    }

    private void add(FhirContext ctx, JsonNode value) {
        if (value == null || value.isNull() || !value.has("resourceType")) {
            return;
        }
        IBaseResource parsed = ctx.newJsonParser()
                .setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false))
                .parseResource(value.toString());
        if (parsed instanceof Bundle bundle) {
            bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource).forEach(e -> resources.add(e.getResource()));
        } else {
            resources.add(parsed);
        }
    }

    <T extends IBaseResource> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (IBaseResource r : resources) {
            if (type.isInstance(r) && out.stream().noneMatch(x -> x.getIdElement().getIdPart() != null
                    && x.getIdElement().getIdPart().equals(r.getIdElement().getIdPart()))) {
                out.add(type.cast(r));
            }
        }
        return out;
    }

    Chart chart(Patient patient) {
        return new Chart(patient, all(Condition.class), all(Observation.class), all(DiagnosticReport.class),
                all(MedicationStatement.class), all(MedicationRequest.class), all(Procedure.class), all(AllergyIntolerance.class));
    }

    List<Coverage> coverages() {
        return all(Coverage.class);
    }

    List<Organization> organizations() {
        return all(Organization.class);
    }
}
