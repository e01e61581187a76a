package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.platform.Canonical;
import org.overturn.profiles.FhirPackage;
import org.jspecify.annotations.Nullable;

/** Builds the cards and the coverage-information system action from an assessment. */
final class CardFactory {
    /** Da Vinci CRD coverage information on the order. */
    static final String COVERAGE_INFORMATION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    /** Every card is about coverage: CRD 2.2's card type (source.topic, extensible binding) coverage-info. */
    private static final CdsJson.Source SOURCE = new CdsJson.Source("Overturn", null,
            new CdsJson.Coding("http://terminology.hl7.org/CodeSystem/cdshooks-card-type", "coverage-info", "Coverage Information"));

    private final FhirContext ctx;
    private final ObjectMapper json;
    private final FhirPackage fhirPackage;

    CardFactory(FhirContext ctx, ObjectMapper json, FhirPackage fhirPackage) {
        this.ctx = ctx;
        this.json = json;
        this.fhirPackage = fhirPackage;
    }

    CdsJson.Card notChecked(String why) {
        return new CdsJson.Card(UUID.randomUUID().toString(), "Overturn could not check prior authorization",
                "Coverage could not be checked: " + why + ".", "info", SOURCE, List.of());
    }

    /** A SMART link that opens the stored assessment in the Overturn app. */
    CdsJson.Link launch(String launchUrl, String assessmentRef, MedicationRequest order) {
        var context = json.createObjectNode().put("assessment", assessmentRef);
        if (order.getIdElement().hasIdPart()) {
            context.put("order", "MedicationRequest/" + order.getIdElement().getIdPart());
        }
        return new CdsJson.Link("Open the prior-authorization case in Overturn", launchUrl, "smart", context.toString());
    }

    /** What could not be read from the EHR, so that an unmet criterion is not mistaken for a checked one. */
    CdsJson.Card partial(Map<String, String> problems) {
        StringBuilder detail = new StringBuilder("Some of the chart could not be read, so criteria that depend on it show as"
                + " missing evidence rather than as checked:\n\n");
        problems.forEach((key, why) -> detail.append("- ").append(key).append(": ").append(why).append("\n"));
        return new CdsJson.Card(UUID.randomUUID().toString(),
                shorten("Overturn could not read part of the chart: " + String.join(", ", problems.keySet())),
                detail.toString(), "warning", SOURCE, List.of());
    }

    /**
     * CRD's External Reference card: the published pages of the ordered drugs (label, trial record or search), each
     * link of type absolute; none when the knowledge names no shown page for them. One card for the whole call, so
     * that each order still gets one card of its own and the sources come once.
     */
    Optional<CdsJson.Card> references(Collection<KnowledgeModel.Drug> drugs) {
        List<KnowledgeModel.Drug> named = drugs.stream().filter(d -> d.references().stream().anyMatch(KnowledgeModel.PublishedLink::shown)).toList();
        if (named.isEmpty()) {
            return Optional.empty();
        }
        List<CdsJson.Link> links = named.stream().flatMap(d -> d.references().stream())
                .filter(KnowledgeModel.PublishedLink::shown)
                .map(r -> new CdsJson.Link(r.label(), r.url(), "absolute", null))
                .toList();
        String names = String.join(" and ", named.stream().map(KnowledgeModel.Drug::displayName).toList());
        return Optional.of(new CdsJson.Card(UUID.randomUUID().toString(), shorten("Published sources for " + names),
                "Published pages on " + names + ", to check what the coverage criteria cite.",
                "info", SOURCE, links));
    }

    CdsJson.Card assessment(Assessment a, CdsJson.@Nullable Link launch) {
        List<CdsJson.Link> links = launch == null ? List.of() : List.of(launch);
        if (a.evaluation().isEmpty()) {
            return new CdsJson.Card(UUID.randomUUID().toString(), shorten("Overturn cannot assess this order: " + a.reason()),
                    a.reason() + ".", "info", SOURCE, List.of());
        }
        Evaluation e = a.evaluation().get();
        KnowledgeModel.Drug drug = a.drug().orElseThrow();
        String payer = a.payer().map(KnowledgeModel.Payer::name).orElse("The payer");
        StringBuilder detail = new StringBuilder();
        if (!drug.approved()) {
            detail.append("**").append(drug.displayName()).append(" is investigational.** ").append(payer)
                    .append(" excludes experimental drugs. Pathways:\n\n");
            drug.accessRoutes().forEach(r -> detail.append("- ").append(r).append("\n"));
            detail.append("\n");
            appendCriteria(detail, e);
            return new CdsJson.Card(UUID.randomUUID().toString(),
                    shorten(drug.displayName() + " is investigational: clinical trial or expanded access"),
                    detail.toString(), "warning", SOURCE, links);
        }
        long required = e.results().stream().filter(Evaluation.CriterionResult::required).count();
        long met = e.results().stream().filter(r -> r.required() && r.status() == Evaluation.Status.MET).count();
        appendCriteria(detail, e);
        String summary = payer + (e.paRequired() ? " requires PA" : " needs no PA") + " for " + drug.displayName()
                + "; " + met + " of " + required + " criteria met";
        String indicator = e.outcome() == Evaluation.Outcome.CRITERIA_MET ? "info" : "warning";
        return new CdsJson.Card(UUID.randomUUID().toString(), shorten(summary), detail.toString(), indicator, SOURCE, links);
    }

    private static void appendCriteria(StringBuilder detail, Evaluation e) {
        detail.append("| criterion | status | why |\n|---|---|---|\n");
        for (Evaluation.CriterionResult r : e.results()) {
            detail.append("| ").append(r.description().replace("|", "/")).append(r.required() ? "" : " (optional)")
                    .append(" | ").append(r.status().code()).append(" | ").append(r.reason().replace("|", "/")).append(" |\n");
        }
        if (!e.missingDocumentation().isEmpty()) {
            detail.append("\nMissing documentation:\n\n");
            e.missingDocumentation().forEach(m -> detail.append("- ").append(m).append("\n"));
        }
        detail.append("\nPolicy ").append(e.policyId()).append(", version ").append(e.policyVersion()).append(".\n");
    }

    /** An update of the draft order carrying the CRD coverage-information extension; for an assessed order only. */
    CdsJson.Action coverageInformation(MedicationRequest order, Assessment a, LocalDate today) {
        MedicationRequest updated = order.copy();
        Extension info = updated.addExtension().setUrl(COVERAGE_INFORMATION);
        String coverageRef = a.coverage().getIdElement().toUnqualifiedVersionless().getValue();
        info.addExtension("coverage", new Reference(coverageRef));
        // CRD's invariants hold by construction: no pa-needed when not covered (crd-ci-q2); a questionnaire only with
        // doc-needed (crd-ci-q1); no "conditional", which would need an info-needed code (crd-ci-q3) and none of
        // them (performer, location, timeframe, contract window) is what a PA criterion waits for. Coverage here is
        // the plan's: an approved drug is covered, subject to the PA its policy requires, with the clinical
        // documentation of the payer's questionnaire; whether the chart meets the criteria is the card's to say.
        Evaluation evaluation = a.evaluation().orElseThrow(); // the caller asks only for an assessed order
        boolean approved = a.drug().map(KnowledgeModel.Drug::approved).orElse(false);
        if (!approved) {
            info.addExtension("covered", new CodeType("not-covered"));
        } else {
            info.addExtension("covered", new CodeType("covered"));
            info.addExtension("pa-needed", new CodeType(evaluation.paRequired() ? "auth-needed" : "no-auth"));
            if (evaluation.paRequired()) {
                info.addExtension("doc-needed", new CodeType("clinical"));
                a.drug().flatMap(d -> fhirPackage.paQuestionnaire(d.id()))
                        .ifPresent(q -> info.addExtension("questionnaire", new CanonicalType(q.getUrl())));
            }
        }
        info.addExtension("date", new DateType(today.toString()));
        // Same coverage, order and drug: same assertion id, on every call.
        info.addExtension("coverage-assertion-id", new StringType(assertionId(coverageRef,
                order.getIdElement().getIdPart(), a.drug().map(KnowledgeModel.Drug::id).orElse("unknown"))));
        try {
            JsonNode resource = json.readTree(ctx.newJsonParser().encodeResourceToString(updated));
            return new CdsJson.Action("update", "Coverage information for " + order.getIdElement().getIdPart(), resource);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String assertionId(String coverage, String order, String drug) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((coverage + "|" + order + "|" + drug).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shorten(String summary) {
        return summary.length() < 140 ? summary : summary.substring(0, 136) + "...";
    }
}
