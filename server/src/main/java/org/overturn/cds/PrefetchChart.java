package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.hl7.fhir.r4.model.Reference;
import org.overturn.evidence.Chart;
import org.jspecify.annotations.Nullable;

/**
 * The resources of a CDS Hooks call (context.draftOrders, prefetch values, EHR answers), sorted by type. The draft
 * orders come first, so that where the prefetch holds another version of the same order (another status), the draft
 * the hook is about is the one assessed and counted.
 */
final class PrefetchChart {
    final List<IBaseResource> resources = new ArrayList<>();
    private int drafts;
    /** The client's prefetch as parsed, by key, for {@link #leaveOutUnexpected}. */
    private final Map<String, List<IBaseResource>> prefetched = new java.util.LinkedHashMap<>();

    static PrefetchChart of(FhirContext ctx, Map<String, JsonNode> prefetch, JsonNode draftOrders) {
        PrefetchChart chart = new PrefetchChart();
        if (draftOrders != null && !draftOrders.isMissingNode() && !draftOrders.isNull()) {
            chart.resources.addAll(flatten(parse(ctx, draftOrders)));
        }
        chart.drafts = chart.resources.size();
        prefetch.forEach((key, value) -> {
            List<IBaseResource> parsed = parse(ctx, value);
            chart.prefetched.put(key, parsed);
            chart.resources.addAll(flatten(parsed));
        });
        return chart;
    }

    /**
     * Leaves out of the chart what the client's prefetch holds of other types than its templates ({@code queries},
     * key to query) ask for, as for the EHR's answers; returns a line per key that held any, and fills
     * {@code unanswered} with the keys that held nothing of what they asked (to be read from the EHR instead).
     */
    Map<String, String> leaveOutUnexpected(Map<String, String> queries, AnswerTypes types, Set<String> unanswered) {
        Map<String, String> problems = new java.util.LinkedHashMap<>();
        List<IBaseResource> kept = new ArrayList<>();
        prefetched.forEach((key, parsed) -> {
            String query = queries.get(key);
            if (query == null) {
                kept.addAll(flatten(parsed)); // a key this service did not ask for: read as sent
                return;
            }
            AnswerTypes.Sorted sorted = types.sort(parsed, query, "the prefetch held");
            kept.addAll(sorted.kept());
            if (sorted.unexpected() != null) {
                problems.put(key, sorted.unexpected());
                if (sorted.kept().isEmpty()) {
                    unanswered.add(key);
                }
            }
        });
        resources.subList(drafts, resources.size()).clear(); // the draft orders stay first
        resources.addAll(kept);
        return problems;
    }

    private static List<IBaseResource> flatten(List<IBaseResource> parsed) {
        List<IBaseResource> out = new ArrayList<>();
        for (IBaseResource r : parsed) {
            if (r instanceof Bundle bundle) {
                bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource).forEach(e -> out.add(e.getResource()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** The orders in context.draftOrders: what order-select and order-sign are about. */
    List<MedicationRequest> draftOrders() {
        return resources.subList(0, drafts).stream()
                .filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast).toList();
    }

    /** The patient's current medication orders (draft, active, on hold): what patient-view speaks of. */
    List<MedicationRequest> currentOrders() {
        return all(MedicationRequest.class).stream()
                .filter(m -> m.getStatus() == MedicationRequest.MedicationRequestStatus.DRAFT
                        || m.getStatus() == MedicationRequest.MedicationRequestStatus.ACTIVE
                        || m.getStatus() == MedicationRequest.MedicationRequestStatus.ONHOLD)
                .toList();
    }

    /** A prefetch value or context.draftOrders as parsed: one resource (a Bundle stays whole), or none. */
    private static List<IBaseResource> parse(FhirContext ctx, JsonNode value) {
        if (value == null || value.isNull() || !value.has("resourceType")) {
            return List.of();
        }
        IBaseResource parsed = ctx.newJsonParser()
                .setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false))
                .parseResource(value.toString());
        return List.of(parsed);
    }

    void addAll(List<IBaseResource> more) {
        resources.addAll(more);
    }

    /**
     * Refuses (400) a prefetch or EHR answer that contradicts the context: another Patient, or a resource about
     * another patient. Assessing such a mix would put one patient's evidence in another's case.
     */
    void requireOnePatient(String patientId) {
        for (IBaseResource r : resources) {
            String about = r instanceof Patient ? "Patient/" + r.getIdElement().getIdPart() : patientReference(r);
            if (about != null && !about.equals("Patient/" + patientId) && !about.endsWith("/Patient/" + patientId)) {
                throw CdsRequests.invalid(r.fhirType() + "/" + r.getIdElement().getIdPart() + " is about " + about
                        + ", but context.patientId is " + patientId + "; send only that patient's data");
            }
        }
    }

    private static @Nullable String patientReference(IBaseResource r) {
        Reference ref = null;
        if (r instanceof Observation o) {
            ref = o.getSubject();
        } else if (r instanceof Condition c) {
            ref = c.getSubject();
        } else if (r instanceof MedicationStatement m) {
            ref = m.getSubject();
        } else if (r instanceof MedicationRequest m) {
            ref = m.getSubject();
        } else if (r instanceof DiagnosticReport d) {
            ref = d.getSubject();
        } else if (r instanceof Procedure p) {
            ref = p.getSubject();
        } else if (r instanceof AllergyIntolerance a) {
            ref = a.getPatient();
        } else if (r instanceof Coverage c) {
            ref = c.getBeneficiary();
        }
        if (ref == null || !ref.hasReference() || !ref.getReferenceElement().hasResourceType()
                || !"Patient".equals(ref.getReferenceElement().getResourceType())) {
            return null;
        }
        return ref.getReferenceElement().toUnqualifiedVersionless().getValue();
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
