package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.assessment.Assessor;
import org.overturn.eligibility.EligibilityService;
import org.overturn.platform.Canonical;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The coverage services for order-select, order-sign and patient-view. The chart comes from the hook's prefetch and,
 * for what the prefetch lacks, from the EHR's fhirServer; the draft orders from the context. Each order is assessed
 * against the payer's criteria as $submit would, and the assessment is stored as a CoverageEligibilityResponse.
 */
final class CoverageHookService {
    static final Map<String, String> HOOKS = Map.of(
            "overturn-order-select", "order-select",
            "overturn-order-sign", "order-sign",
            "overturn-patient-view", "patient-view");
    /** The identifier system of assessments recorded from hook calls: hookInstance/order id. */
    static final String HOOK_CALL_SYSTEM = Canonical.BASE + "/cds-hook-call";
    private static final Logger log = LoggerFactory.getLogger(CoverageHookService.class);
    private static final Pattern TOKEN = Pattern.compile("\\{\\{context\\.(\\w+)}}");

    private final FhirContext ctx;
    private final Assessor assessor;
    private final EligibilityService eligibility;
    private final CardFactory cards;
    private final EhrClient ehr;
    private final AnswerTypes types;
    private final Map<String, String> prefetch;
    /** Drugs some payer policy governs: only their orders get a card (an ordinary prescription gets none). */
    private final Set<String> governedDrugs;
    private final Clock clock;

    CoverageHookService(FhirContext ctx, Assessor assessor, EligibilityService eligibility, CardFactory cards, EhrClient ehr, Knowledge knowledge, Clock clock) {
        this.ctx = ctx;
        this.clock = clock;
        this.assessor = assessor;
        this.eligibility = eligibility;
        this.cards = cards;
        this.ehr = ehr;
        this.types = new AnswerTypes(ctx);
        this.prefetch = prefetchTemplates(knowledge);
        this.governedDrugs = knowledge.policies().stream().map(p -> p.drug()).collect(java.util.stream.Collectors.toSet());
    }

    /** Prefetch templates: the chart the criteria need, biomarkers by the LOINC codes the knowledge files name. */
    private static Map<String, String> prefetchTemplates(Knowledge knowledge) {
        Set<String> loinc = new LinkedHashSet<>();
        knowledge.biomarkers().forEach(b -> b.loinc().forEach(c -> loinc.add(c.code())));
        loinc.add(knowledge.variantPattern().observationCode());
        loinc.add("89247-1"); // ECOG performance status
        // staging, metastasis, tumour size and nodes: the label-setting criteria read them (disease-settings.yaml)
        knowledge.settings().forEach(s -> {
            s.observations().forEach(r -> loinc.addAll(r.loinc()));
            if (s.resection() != null) {
                s.resection().qualifiers().forEach(r -> loinc.addAll(r.loinc()));
            }
        });
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

    CdsJson.Response call(CdsRequests.HookCall call, CdsTokenVerifier.Caller caller, String smartLaunchUrl) {
        String hook = call.hook();
        String patientId = call.patientId();
        URI fhirServer = call.fhirServer();
        Map<String, JsonNode> given = call.prefetch();
        PrefetchChart resources = call.resources();

        // What the prefetch holds of other types than asked is left out and named; what it lacks, or held only of
        // other types, comes from the EHR, or is reported as not checked.
        Map<String, String> queries = new LinkedHashMap<>();
        prefetch.forEach((key, template) -> queries.put(key, render(template, call.context())));
        Set<String> unanswered = new java.util.HashSet<>();
        Map<String, String> problems = new LinkedHashMap<>(resources.leaveOutUnexpected(queries, types, unanswered));
        Map<String, String> missing = new LinkedHashMap<>();
        queries.forEach((key, query) -> {
            JsonNode value = given.get(key);
            if (value == null || value.isNull() || unanswered.contains(key)) {
                missing.put(key, query);
            }
        });
        if (!missing.isEmpty()) {
            String refusal = fhirServer == null ? "not in the prefetch, and the call names no fhirServer"
                    : ehr.allowList().refusal(fhirServer);
            if (refusal != null) {
                missing.keySet().forEach(k -> problems.merge(k, refusal, (held, why) -> held + "; " + why));
            } else {
                String token = call.accessToken();
                // Cached per EHR token, not per CDS client: one client's users may each see different charts.
                String cacheScope = caller.client() + " " + (token == null ? "-" : org.overturn.platform.TokenFingerprint.of(token));
                EhrClient.Result fetched = ehr.fetch(
                        Objects.requireNonNull(fhirServer, "without one there is a refusal"), token, missing, cacheScope);
                fetched.resources().values().forEach(resources::addAll);
                problems.putAll(fetched.problems());
                resources.requireOnePatient(patientId);
            }
        }

        Optional<Patient> patient = resources.all(Patient.class).stream()
                .filter(p -> patientId.equals(p.getIdElement().getIdPart())).findFirst();
        List<MedicationRequest> orders = hook.equals("patient-view") ? resources.currentOrders() : resources.draftOrders();
        if (orders.isEmpty() && hook.equals("patient-view")) {
            return new CdsJson.Response(List.of(), List.of()); // no current order: nothing to say on opening the chart
        }
        if (patient.isEmpty() || resources.coverages().isEmpty()) {
            String what = patient.isEmpty() ? "the Patient" : "an active Coverage";
            String why = problems.getOrDefault(patient.isEmpty() ? "patient" : "coverage", "not found");
            return new CdsJson.Response(List.of(cards.notChecked(what + " could not be read (" + why + ")")), List.of());
        }
        Coverage coverage = resources.coverages().get(0);
        Organization payor = payor(coverage, resources);
        List<CdsJson.Card> out = new ArrayList<>();
        List<CdsJson.Action> actions = new ArrayList<>();
        Map<String, KnowledgeModel.Drug> assessedDrugs = new LinkedHashMap<>();
        for (MedicationRequest order : orders) {
            if (!order.hasMedicationCodeableConcept()) {
                continue;
            }
            Assessment assessment =
                    assessor.assess(resources.chart(patient.get()), coverage, payor, order.getMedicationCodeableConcept());
            if (assessment.drug().isEmpty() || !governedDrugs.contains(assessment.drug().get().id())) {
                // not a drug any payer policy governs (a prior therapy, an ordinary prescription): a card would be alert fatigue
                continue;
            }
            assessedDrugs.putIfAbsent(assessment.drug().get().id(), assessment.drug().get());
            out.add(cards.assessment(assessment, recordAndLink(call, patientId, coverage, payor, order, assessment, smartLaunchUrl)));
            // Without the payer's rules (no evaluation) Overturn has nothing to assert on the payer's behalf.
            if (!hook.equals("patient-view") && assessment.evaluation().isPresent()) {
                actions.add(cards.coverageInformation(order, assessment, LocalDate.now(clock)));
            }
        }
        if (!problems.isEmpty() && !out.isEmpty()) { // what could not be read matters only to an assessed order
            out.add(cards.partial(problems));
        }
        cards.references(assessedDrugs.values()).ifPresent(out::add);
        return new CdsJson.Response(out, actions);
    }

    /**
     * Stores the assessment and answers the SMART link to it. The card matters more than the record: if the database
     * cannot take it, the card still goes out, without the link, and the failure is logged.
     */
    private CdsJson.@Nullable Link recordAndLink(CdsRequests.HookCall call, String patientId, Coverage coverage, Organization payor, MedicationRequest order, Assessment assessment, String launchUrl) {
        try {
            CoverageEligibilityResponse recorded = eligibility.record(
                    eligibilityRequest(call, patientId, coverage, payor, order), assessment);
            return cards.launch(launchUrl, "CoverageEligibilityResponse/" + recorded.getIdElement().getIdPart(), order);
        } catch (RuntimeException e) {
            log.warn("Could not store the assessment of hook call {}", call.hookInstance(), e);
            return null;
        }
    }

    /** Fills {{context.x}} tokens; a token the context lacks leaves the query unanswerable, reported as such by the EHR. */
    private static String render(String template, JsonNode context) {
        Matcher m = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = context.path(m.group(1)).asText("");
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The assessment as a CoverageEligibilityRequest: references point where the resources live (absolute on the
     * EHR when the call names its fhirServer), and the identifier hookInstance/order makes a retried call idempotent.
     */
    private static CoverageEligibilityRequest eligibilityRequest(
            CdsRequests.HookCall call, String patientId, Coverage coverage, Organization payor, MedicationRequest order) {
        String base = call.fhirServer() == null ? "" : call.fhirServer().toString().replaceAll("/+$", "") + "/";
        CoverageEligibilityRequest request = new CoverageEligibilityRequest();
        request.addIdentifier().setSystem(HOOK_CALL_SYSTEM).setValue(call.hookInstance() + "/" + orderKey(order));
        request.setStatus(CoverageEligibilityRequest.EligibilityRequestStatus.ACTIVE);
        request.addPurpose(CoverageEligibilityRequest.EligibilityRequestPurpose.AUTHREQUIREMENTS);
        request.setPatient(new Reference(base + "Patient/" + patientId));
        Reference insurer = payor.getIdElement().hasIdPart() ? new Reference(base + "Organization/" + payor.getIdElement().getIdPart()) : new Reference();
        request.setInsurer(insurer.setDisplay(payor.getName()));
        request.addInsurance().setCoverage(new Reference(base + "Coverage/" + coverage.getIdElement().getIdPart()));
        if (!call.clinician().isEmpty()) {
            request.setProvider(new Reference(base + call.clinician()));
        }
        var item = request.addItem().setProductOrService(order.getMedicationCodeableConcept().copy());
        if (order.getIdElement().hasIdPart()) {
            item.addDetail(new Reference(base + "MedicationRequest/" + order.getIdElement().getIdPart()));
        }
        return request;
    }

    /** A draft order without an id is named by its drug, so a retried call still finds its record. */
    private static String orderKey(MedicationRequest order) {
        return order.getIdElement().hasIdPart() ? order.getIdElement().getIdPart()
                : "unidentified:" + order.getMedicationCodeableConcept().getCodingFirstRep().getCode();
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
