package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.overturn.criteria.Knowledge;
import org.overturn.eligibility.EligibilityService;

/**
 * The coverage services for order-select, order-sign and patient-view: the chart comes from the hook's prefetch, the
 * draft orders from its context, and each order is assessed against the payer's criteria as $submit would.
 */
final class CoverageHookService {
    static final Map<String, String> HOOKS = Map.of(
            "overturn-order-select", "order-select",
            "overturn-order-sign", "order-sign",
            "overturn-patient-view", "patient-view");

    private final FhirContext ctx;
    private final EligibilityService eligibility;
    private final CardFactory cards;
    private final Map<String, String> prefetch;

    CoverageHookService(FhirContext ctx, EligibilityService eligibility, CardFactory cards, Knowledge knowledge) {
        this.ctx = ctx;
        this.eligibility = eligibility;
        this.cards = cards;
        this.prefetch = prefetchTemplates(knowledge);
    }

    /** Prefetch templates: the chart the criteria need, biomarkers by the LOINC codes the knowledge files name. */
    private static Map<String, String> prefetchTemplates(Knowledge knowledge) {
        Set<String> loinc = new LinkedHashSet<>();
        knowledge.biomarkers().forEach(b -> b.loinc().forEach(c -> loinc.add(c.code())));
        loinc.add(knowledge.variantPattern().observationCode());
        loinc.add("89247-1"); // ECOG performance status
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("patient", "Patient/{{context.patientId}}");
        templates.put("coverage", "Coverage?patient={{context.patientId}}&status=active&_include=Coverage:payor");
        templates.put("conditions", "Condition?patient={{context.patientId}}");
        templates.put("biomarkers", "Observation?patient={{context.patientId}}&code=http://loinc.org|" + String.join(",http://loinc.org|", loinc));
        templates.put("medicationStatements", "MedicationStatement?patient={{context.patientId}}");
        templates.put("medicationRequests", "MedicationRequest?patient={{context.patientId}}");
        return templates;
    }

    List<CdsJson.Service> descriptors() {
        List<CdsJson.Service> services = new ArrayList<>();
        services.add(new CdsJson.Service("order-select", "Overturn coverage requirements",
                "Whether the payer requires prior authorization for the selected drug, and which of its criteria the chart meets",
                "overturn-order-select", prefetch));
        services.add(new CdsJson.Service("order-sign", "Overturn coverage requirements",
                "Prior-authorization requirements and criteria for the drug being signed, with coverage information on the order",
                "overturn-order-sign", prefetch));
        services.add(new CdsJson.Service("patient-view", "Overturn coverage check",
                "Prior-authorization criteria for the patient's active draft or recent drug orders", "overturn-patient-view", prefetch));
        return services;
    }

    CdsJson.Response call(String serviceId, CdsJson.Request request) {
        String hook = HOOKS.get(serviceId);
        if (hook == null) {
            throw new CdsException(404, "No CDS service '" + serviceId + "'; see GET /cds-services");
        }
        List<String> missing = new ArrayList<>();
        if (request.hook() == null || request.hook().isBlank()) {
            missing.add("hook");
        }
        if (request.hookInstance() == null || request.hookInstance().isBlank()) {
            missing.add("hookInstance");
        }
        if (request.context() == null || !request.context().isObject()) {
            missing.add("context");
        }
        if (!missing.isEmpty()) {
            throw new CdsException(400, "Missing required field(s): " + String.join(", ", missing));
        }
        if (!hook.equals(request.hook())) {
            throw new CdsException(400, "Service " + serviceId + " answers the " + hook + " hook, not " + request.hook());
        }
        String patientId = request.context().path("patientId").asText("");
        if (patientId.isBlank()) {
            throw new CdsException(400, "context.patientId is required");
        }
        PrefetchChart resources;
        try {
            resources = PrefetchChart.of(ctx, request.prefetch() == null ? Map.of() : request.prefetch(),
                    request.context().path("draftOrders"));
        } catch (RuntimeException e) {
            throw new CdsException(400, "prefetch or context.draftOrders holds something that is not FHIR R4 JSON");
        }
        Optional<Patient> patient = resources.all(Patient.class).stream()
                .filter(p -> patientId.equals(p.getIdElement().getIdPart())).findFirst();
        List<MedicationRequest> orders = resources.all(MedicationRequest.class).stream()
                .filter(m -> m.getStatus() == MedicationRequest.MedicationRequestStatus.DRAFT)
                .toList();
        if (patient.isEmpty() || resources.coverages().isEmpty()) {
            // Fetching from the EHR's fhirServer is not built yet: answer with what could not be checked.
            String what = patient.isEmpty() ? "the Patient" : "an active Coverage";
            return new CdsJson.Response(List.of(cards.notChecked(what + " was not in the prefetch")), List.of());
        }
        Coverage coverage = resources.coverages().get(0);
        Organization payor = payor(coverage, resources);
        List<CdsJson.Card> out = new ArrayList<>();
        List<CdsJson.Action> actions = new ArrayList<>();
        for (MedicationRequest order : orders) {
            if (!order.hasMedicationCodeableConcept()) {
                continue;
            }
            EligibilityService.Assessment assessment =
                    eligibility.assess(resources.chart(patient.get()), coverage, payor, order.getMedicationCodeableConcept());
            out.add(cards.assessment(assessment));
            if (!hook.equals("patient-view")) {
                actions.add(cards.coverageInformation(order, assessment, LocalDate.now()));
            }
        }
        return new CdsJson.Response(out, actions);
    }

    private static Organization payor(Coverage coverage, PrefetchChart resources) {
        String ref = coverage.getPayorFirstRep().getReferenceElement().getIdPart();
        return resources.organizations().stream()
                .filter(o -> ref != null && ref.equals(o.getIdElement().getIdPart()))
                .findFirst()
                .orElseGet(() -> {
                    // Only the name is known (payor.display): recognition falls back to names.
                    Organization named = new Organization();
                    named.setName(coverage.getPayorFirstRep().getDisplay());
                    return named;
                });
    }
}
