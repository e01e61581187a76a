package org.overturn.assessment;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.CriteriaEvaluator;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.PayerDirectory;
import org.overturn.evidence.Chart;
import org.overturn.evidence.ChartSource;
import org.overturn.evidence.FactExtractor;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;

/**
 * Assesses a case: which payer (from the Coverage's payor), which drug (from the order's code), which policy, and the
 * chart's facts against that policy's criteria. Pure reading: nothing is stored. Every feature that needs to know
 * whether a case meets the payer's criteria asks here (eligibility, the sandbox payer, letters, appeals, CDS Hooks).
 */
public final class Assessor {
    private final ResourceStore store;
    private final Knowledge knowledge;
    private final PayerDirectory payers;
    private final DrugCatalog drugs;
    private final ChartSource charts;
    private final FactExtractor facts;
    private final CriteriaEvaluator evaluator;
    private final Clock clock;

    Assessor(ResourceStore store, Knowledge knowledge, PayerDirectory payers, DrugCatalog drugs, ChartSource charts,
            FactExtractor facts, CriteriaEvaluator evaluator, Clock clock) {
        this.store = store;
        this.knowledge = knowledge;
        this.payers = payers;
        this.drugs = drugs;
        this.charts = charts;
        this.facts = facts;
        this.evaluator = evaluator;
        this.clock = clock;
    }

    /**
     * Assesses the case of {@code patientId} under {@code coverageId} for the drug in {@code product}; references
     * that do not resolve are 422 naming {@code coverageField}.
     */
    public Assessment assess(String patientId, String coverageId, CodeableConcept product, String coverageField) {
        Coverage coverage = (Coverage) readReferenced("Coverage", coverageId, coverageField).content();
        Chart chart = charts.read(readReferenced("Patient", patientId, "patient").id());
        return assess(chart, coverage, payor(coverage), product);
    }

    /**
     * Assesses a chart that did not come from this server's store (a CDS Hooks prefetch, an EHR query), with the
     * Coverage and payor Organization found there.
     */
    public Assessment assess(Chart chart, Coverage coverage, Organization payor, CodeableConcept product) {
        List<KnowledgeModel.Identifier> identifiers = payor.getIdentifier().stream()
                .map(i -> new KnowledgeModel.Identifier(i.getSystem(), i.getValue()))
                .toList();
        Optional<KnowledgeModel.Payer> payer = payers.identify(identifiers, payor.getName());
        Optional<KnowledgeModel.Drug> drug = drugs.recognize(
                product.getCoding().stream().map(c -> new DrugCatalog.Coded(c.getSystem(), c.getCode(), c.getDisplay())).toList(),
                product.getText());
        if (payer.isEmpty()) {
            return new Assessment(payer, drug, Optional.empty(), "The payer '" + payor.getName()
                    + "' is not one Overturn has rules for; no other payer's rules are applied", payor, chart, coverage);
        }
        if (drug.isEmpty()) {
            return new Assessment(payer, drug, Optional.empty(), "The requested product is not a drug Overturn knows ("
                    + describe(product) + ")", payor, chart, coverage);
        }
        Optional<KnowledgeModel.Policy> policy = knowledge.policy(payer.get().id(), drug.get().id());
        if (policy.isEmpty()) {
            return new Assessment(payer, drug, Optional.empty(), payer.get().name() + " has no policy on file for "
                    + drug.get().displayName(), payor, chart, coverage);
        }
        ChartFacts chartFacts = facts.facts(chart, null);
        Evaluation evaluation = evaluator.evaluate(policy.get(), chartFacts, LocalDate.now(clock));
        return new Assessment(payer, drug, Optional.of(evaluation), "", payor, chart, coverage);
    }

    private static String describe(CodeableConcept product) {
        String codes = product.getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).reduce((a, b) -> a + ", " + b).orElse("");
        return product.hasText() ? product.getText() + (codes.isEmpty() ? "" : "; " + codes) : codes;
    }

    /** The Coverage's paying Organization, read from this server; a missing or dangling payor is 422. */
    public Organization payor(Coverage coverage) {
        if (!coverage.hasPayor()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "Coverage/" + coverage.getIdElement().getIdPart()
                    + " has no payor; add the paying Organization to Coverage.payor", "Coverage.payor");
        }
        List<String> problems = new ArrayList<>();
        String orgId = localId(coverage.getPayorFirstRep(), "Organization", "Coverage.payor[0]", problems);
        if (!problems.isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, String.join("; ", problems), "Coverage.payor");
        }
        return (Organization) readReferenced("Organization", orgId, "Coverage.payor[0]").content();
    }

    /** A referenced resource of this server; absent or deleted is 422 naming {@code where}. */
    public StoredResource readReferenced(String type, String id, String where) {
        try {
            return store.read(type, id);
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE) {
                throw new OverturnException(ErrorCode.INVALID_RESOURCE, where + " points at " + type + "/" + id
                        + ", which " + (e.code() == ErrorCode.GONE ? "was deleted" : "is not on this server"), where);
            }
            throw e;
        }
    }

    /** The id of a local reference of {@code type}, or "" with the problem added. */
    public static String localId(Reference ref, String type, String where, List<String> problems) {
        if (ref == null || !ref.hasReference()) {
            problems.add(where + ": a reference to a " + type + " is required");
            return "";
        }
        var id = ref.getReferenceElement();
        if (!type.equals(id.getResourceType()) || !id.hasIdPart()) {
            problems.add(where + ": expected a " + type + " reference such as " + type + "/123, not " + ref.getReference());
            return "";
        }
        return id.getIdPart();
    }
}
