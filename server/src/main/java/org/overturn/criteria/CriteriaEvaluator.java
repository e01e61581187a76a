package org.overturn.criteria;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.Evaluation.CriterionResult;
import org.overturn.criteria.Evaluation.Status;
import org.overturn.criteria.KnowledgeModel.Criterion;

/**
 * Checks a payer policy against chart facts. Pure: no I/O, no clock (the date is passed in). It never guesses: a
 * criterion without evidence is {@code unknown} and names the documentation that would decide it.
 */
public final class CriteriaEvaluator {
    private final Knowledge knowledge;

    public CriteriaEvaluator(Knowledge knowledge) {
        this.knowledge = knowledge;
    }

    public Evaluation evaluate(KnowledgeModel.Policy policy, ChartFacts chart, LocalDate today) {
        KnowledgeModel.Drug drug = knowledge.drug(policy.drug()).orElseThrow();
        List<CriterionResult> results = new ArrayList<>();
        for (Criterion c : policy.criteria()) {
            results.add(switch (c.kind()) {
                case DIAGNOSIS -> diagnosis(c, chart);
                case BIOMARKER_POSITIVE -> biomarker(c, chart);
                case PRIOR_THERAPY -> priorTherapy(c, chart);
                case AGE_MINIMUM -> age(c, chart, today);
                case FDA_APPROVED -> fdaApproved(c, drug);
                case OBSERVATION_PRESENT -> observation(c, chart);
            });
        }
        Set<String> missing = new LinkedHashSet<>();
        results.stream()
                .filter(r -> r.status() != Status.MET && r.required() && r.missingDocumentation() != null)
                .forEach(r -> missing.add(r.missingDocumentation()));
        Evaluation.Outcome outcome;
        if (results.stream().anyMatch(r -> r.required() && r.status() == Status.NOT_MET)) {
            outcome = Evaluation.Outcome.CRITERIA_NOT_MET;
        } else if (results.stream().anyMatch(r -> r.required() && r.status() == Status.UNKNOWN)) {
            outcome = Evaluation.Outcome.INCOMPLETE;
        } else {
            outcome = Evaluation.Outcome.CRITERIA_MET;
        }
        return new Evaluation(policy.id(), policy.version(), policy.payer(), policy.drug(), policy.paRequired(),
                results, List.copyOf(missing), outcome);
    }

    private static CriterionResult result(Criterion c, Status status, String reason, List<String> evidence, String missing) {
        return new CriterionResult(c.id(), c.description(), c.isRequired(), status, reason, evidence,
                status == Status.MET ? null : missing, c.source());
    }

    private static String documentation(Criterion c, String fallback) {
        return c.documentation() != null ? c.documentation() : fallback;
    }

    private CriterionResult diagnosis(Criterion c, ChartFacts chart) {
        String needed = documentation(c, "Diagnosis with an ICD-10-CM code in " + String.join(", ", c.icd10()));
        List<String> matching = new ArrayList<>();
        List<String> described = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<ChartFacts.ConditionFact> uncoded = new ArrayList<>();
        for (ChartFacts.ConditionFact condition : chart.conditions()) {
            boolean match = condition.icd10().stream().anyMatch(code -> c.icd10().stream().anyMatch(code::startsWith));
            if (match) {
                matching.add(condition.reference());
                described.add(String.join("/", condition.icd10()) + " " + condition.text());
            } else if (!condition.icd10().isEmpty()) {
                other.add(String.join("/", condition.icd10()));
            } else {
                uncoded.add(condition);
            }
        }
        if (!matching.isEmpty()) {
            return result(c, Status.MET, "Diagnosis on file: " + String.join("; ", described), matching, needed);
        }
        if (!uncoded.isEmpty()) {
            // A diagnosis coded only in SNOMED CT, or only in words, may be the one: never "not met" on a guess.
            return result(c, Status.UNKNOWN, "Diagnoses on file without an ICD-10-CM code ("
                    + String.join("; ", uncoded.stream().map(ChartFacts.ConditionFact::text).toList())
                    + ") cannot be matched to " + String.join(", ", c.icd10()) + "; add their ICD-10-CM codes",
                    uncoded.stream().map(ChartFacts.ConditionFact::reference).toList(), needed);
        }
        if (!other.isEmpty()) {
            return result(c, Status.NOT_MET, "Diagnoses on file (" + String.join(", ", other) + ") are not in "
                    + String.join(", ", c.icd10()), List.of(), needed);
        }
        return result(c, Status.UNKNOWN, "No active diagnosis with an ICD-10-CM code on file", List.of(), needed);
    }

    private CriterionResult biomarker(Criterion c, ChartFacts chart) {
        KnowledgeModel.Biomarker biomarker = knowledge.biomarker(c.biomarker()).orElseThrow();
        String needed = documentation(c, biomarker.documentation());
        List<BiomarkerFact> results = chart.biomarkers().stream().filter(b -> b.biomarkerId().equals(biomarker.id())).toList();
        List<String> positive = refs(results, Polarity.POSITIVE, true);
        List<String> negative = refs(results, Polarity.NEGATIVE, true);
        if (!positive.isEmpty() && !negative.isEmpty()) {
            List<String> both = new ArrayList<>(positive);
            both.addAll(negative);
            return result(c, Status.UNKNOWN, "Contradictory final " + biomarker.label() + " results on file (positive and"
                    + " negative); reconcile them before submitting", both, needed);
        }
        if (!positive.isEmpty()) {
            BiomarkerFact first = results.stream().filter(r -> r.isFinal() && r.polarity() == Polarity.POSITIVE).findFirst().orElseThrow();
            return result(c, Status.MET, biomarker.label() + ": " + first.result()
                    + (first.method() == null ? "" : " (" + first.method() + ")")
                    + (first.date() == null ? "" : ", " + first.date()) + unconfirmedCutOff(biomarker), positive, needed);
        }
        if (!negative.isEmpty()) {
            return result(c, Status.NOT_MET, biomarker.label() + " result on file is negative" + unconfirmedCutOff(biomarker),
                    negative, needed);
        }
        if (!results.isEmpty()) {
            List<String> refs = results.stream().map(BiomarkerFact::reference).toList();
            boolean pending = results.stream().anyMatch(r -> !r.isFinal());
            return result(c, Status.UNKNOWN, pending
                    ? biomarker.label() + " result is not final yet"
                    : biomarker.label() + " result is indeterminate", refs, needed);
        }
        return result(c, Status.UNKNOWN, "No " + biomarker.label() + " result on file", List.of(), needed);
    }

    /** A percentage read against a cut-off no published source confirms: the evaluation says so. */
    private static String unconfirmedCutOff(KnowledgeModel.Biomarker biomarker) {
        KnowledgeModel.Threshold t = biomarker.threshold();
        return t != null && KnowledgeModel.UNVERIFIED.equals(t.verification())
                ? "; a percentage result is read against a cut-off of " + t.minimum().stripTrailingZeros().toPlainString()
                        + t.unit() + ", which is not confirmed by a published source"
                : "";
    }

    private static List<String> refs(List<BiomarkerFact> results, Polarity polarity, boolean finalOnly) {
        return results.stream()
                .filter(r -> r.polarity() == polarity && (!finalOnly || r.isFinal()))
                .map(BiomarkerFact::reference)
                .toList();
    }

    /**
     * A prior therapy counts as tried when its course ended: completed or stopped (MedicationStatement and
     * MedicationRequest statuses alike). Active, draft and intended are not prior; not-taken, cancelled and
     * entered-in-error were never tried; on-hold and unknown may or may not have been, so they make the criterion
     * unknown rather than met or not met.
     */
    private static final java.util.Set<String> TRIED = java.util.Set.of("completed", "stopped");
    private static final java.util.Set<String> UNCLEAR = java.util.Set.of("on-hold", "unknown");

    private CriterionResult priorTherapy(Criterion c, ChartFacts chart) {
        String names = c.drugs().isEmpty() ? "prior therapy" : String.join(" or ", c.drugs());
        String needed = documentation(c, "Dated record of " + names + " with the reason it was stopped");
        List<ChartFacts.TherapyFact> named = chart.therapies().stream()
                .filter(t -> c.drugs().isEmpty() || t.drugIds().stream().anyMatch(c.drugs()::contains))
                .toList();
        List<ChartFacts.TherapyFact> tried = named.stream().filter(t -> TRIED.contains(t.status())).toList();
        List<ChartFacts.TherapyFact> unclear = named.stream().filter(t -> UNCLEAR.contains(t.status())).toList();
        int minimum = c.minimum() == null ? 1 : c.minimum();
        if (tried.size() < minimum && tried.size() + unclear.size() >= minimum) {
            return result(c, Status.UNKNOWN, names + " on file, but whether it was taken and ended is not recorded ("
                    + unclear.stream().map(t -> t.text() + ": " + t.status()).collect(java.util.stream.Collectors.joining("; "))
                    + ")", unclear.stream().map(ChartFacts.TherapyFact::reference).toList(), needed);
        }
        if (tried.size() < minimum) {
            return result(c, tried.isEmpty() && chart.therapies().isEmpty() ? Status.UNKNOWN : Status.NOT_MET,
                    tried.isEmpty() ? "No record of " + names + " on file" : "Only " + tried.size() + " of " + minimum + " required therapies on file",
                    tried.stream().map(ChartFacts.TherapyFact::reference).toList(), needed);
        }
        List<String> refs = tried.stream().map(ChartFacts.TherapyFact::reference).toList();
        List<ChartFacts.TherapyFact> unexplained = tried.stream().filter(t -> t.stopReason() == null || t.stopReason().isBlank()).toList();
        if (unexplained.size() == tried.size()) {
            return result(c, Status.UNKNOWN, names + " on file, but no reason it was stopped is recorded", refs, needed);
        }
        StringBuilder reason = new StringBuilder();
        for (ChartFacts.TherapyFact t : tried) {
            if (reason.length() > 0) {
                reason.append("; ");
            }
            reason.append(t.text());
            if (t.start() != null) {
                reason.append(" (").append(t.start()).append(t.end() == null ? "" : " to " + t.end()).append(")");
            }
            if (t.stopReason() != null) {
                reason.append(": ").append(t.stopReason());
            }
        }
        return result(c, Status.MET, reason.toString(), refs, needed);
    }

    private static CriterionResult age(Criterion c, ChartFacts chart, LocalDate today) {
        String needed = documentation(c, "Patient date of birth");
        if (chart.birthDate() == null) {
            return result(c, Status.UNKNOWN, "No date of birth on file", List.of(), needed);
        }
        int years = Period.between(chart.birthDate(), today).getYears();
        return years >= c.years()
                ? result(c, Status.MET, "Age " + years, List.of(), needed)
                : result(c, Status.NOT_MET, "Age " + years + " is under " + c.years(), List.of(), needed);
    }

    private static CriterionResult fdaApproved(Criterion c, KnowledgeModel.Drug drug) {
        String needed = documentation(c, "Evidence of FDA approval for the requested use");
        if (drug.approved()) {
            return result(c, Status.MET, drug.displayName() + " is FDA-approved", List.of(), needed);
        }
        String routes = drug.accessRoutes().isEmpty() ? "" : " Access routes: " + String.join("; ", drug.accessRoutes()) + ".";
        return result(c, Status.NOT_MET, drug.displayName() + " is investigational, not FDA-approved; the plan excludes"
                + " experimental drugs." + routes, List.of(), needed);
    }

    private static CriterionResult observation(Criterion c, ChartFacts chart) {
        String needed = documentation(c, "Observation " + String.join(" or ", c.loinc()));
        // Oldest first, undated before dated: the one stated is the latest the chart dates.
        List<ChartFacts.ObservationFact> found = chart.observations().stream()
                .filter(o -> o.isFinal() && c.loinc().contains(o.loinc()))
                .sorted(java.util.Comparator.comparing(ChartFacts.ObservationFact::effective,
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                .toList();
        if (found.isEmpty()) {
            return result(c, Status.UNKNOWN, "Not documented", List.of(), needed);
        }
        ChartFacts.ObservationFact latest = found.get(found.size() - 1);
        return result(c, Status.MET, latest.text() + (latest.effective() == null ? "" : " (" + latest.effective() + ")")
                        + ": " + latest.value(),
                found.stream().map(ChartFacts.ObservationFact::reference).toList(), needed);
    }
}
