package org.overturn.criteria;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.Evaluation.CriterionResult;
import org.overturn.criteria.Evaluation.Status;
import org.overturn.criteria.KnowledgeModel.Criterion;
import org.jspecify.annotations.Nullable;

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
                case DISEASE_SETTING -> setting(c, chart);
                case DISEASE_STATUS -> status(c, chart);
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

    private static CriterionResult result(Criterion c, Status status, String reason, List<String> evidence, @Nullable String missing) {
        return result(c, status, reason, evidence, missing, List.of());
    }

    private static CriterionResult result(
            Criterion c, Status status, String reason, List<String> evidence, @Nullable String missing, List<String> caveats) {
        return new CriterionResult(c.id(), c.description(), c.isRequired(), status, reason, evidence,
                status == Status.MET ? null : missing, c.source(), caveats.stream().distinct().toList(), c.isLabel(), null);
    }

    private static String documentation(Criterion c, String fallback) {
        return c.documentation() != null ? c.documentation() : fallback;
    }

    /**
     * Met by an ICD-10-CM code under one of the criterion's categories, or by a SNOMED CT code diagnoses.yaml maps to
     * one (with a caveat while the mapping is UNVERIFIED). A diagnosis coded only in SNOMED CT that the table does not
     * map, or written only in words, makes the criterion unknown: it is never not-met because another condition has
     * an ICD-10-CM code.
     */
    private CriterionResult diagnosis(Criterion c, ChartFacts chart) {
        String needed = documentation(c, "Diagnosis with an ICD-10-CM code in " + String.join(", ", c.icd10()));
        List<String> matching = new ArrayList<>();
        List<String> described = new ArrayList<>();
        List<String> caveats = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<ChartFacts.ConditionFact> uncoded = new ArrayList<>();
        for (ChartFacts.ConditionFact condition : chart.conditions()) {
            if (condition.icd10().stream().anyMatch(code -> inCategories(code, c.icd10()))) {
                matching.add(condition.reference());
                described.add(String.join("/", condition.icd10()) + " " + condition.text());
                continue;
            }
            List<KnowledgeModel.DiagnosisMapping> mapped = condition.snomed().stream()
                    .map(knowledge::diagnosisMapping).flatMap(java.util.Optional::stream).toList();
            KnowledgeModel.DiagnosisMapping match = mapped.stream()
                    .filter(m -> m.icd10().stream().anyMatch(code -> inCategories(code, c.icd10()))).findFirst().orElse(null);
            if (match != null) {
                matching.add(condition.reference());
                described.add(condition.text() + " (SNOMED CT " + match.snomed() + ", ICD-10-CM " + String.join("/", match.icd10())
                        + ")");
                if (!KnowledgeModel.VERIFIED.equals(match.verification())) {
                    caveats.add("The diagnosis was matched from SNOMED CT " + match.snomed() + " (" + match.display()
                            + ") to ICD-10-CM " + String.join("/", match.icd10()) + " through a mapping that is "
                            + match.verification() + "; add the ICD-10-CM code to the claim.");
                }
            } else if (!condition.icd10().isEmpty() || !mapped.isEmpty()) {
                other.add(condition.icd10().isEmpty()
                        ? mapped.stream().flatMap(m -> m.icd10().stream()).collect(java.util.stream.Collectors.joining("/"))
                        : String.join("/", condition.icd10()));
            } else {
                uncoded.add(condition);
            }
        }
        if (!matching.isEmpty()) {
            return result(c, Status.MET, "Diagnosis on file: " + String.join("; ", described), matching, needed, caveats);
        }
        if (!uncoded.isEmpty()) {
            return result(c, Status.UNKNOWN, "Diagnosis on file without an ICD-10-CM code Overturn can match ("
                    + uncoded.stream().map(u -> u.snomed().isEmpty() ? "\"" + u.text() + "\"" : u.text() + ", SNOMED CT "
                            + String.join("/", u.snomed())).collect(java.util.stream.Collectors.joining("; "))
                    + "); its ICD-10-CM code would decide this", uncoded.stream().map(ChartFacts.ConditionFact::reference).toList(),
                    needed);
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

    private static boolean inCategories(String code, List<String> categories) {
        return categories.stream().anyMatch(code::startsWith);
    }

    /**
     * Met by a final positive result of the biomarker's kind of change. A result of another kind (a point mutation
     * where a fusion is needed) or by a screening method decides nothing; a later final result of the same test (same
     * code, method and lab) supersedes an earlier one; final positive and negative results that stand together are
     * unknown with both cited; a preliminary result is not final. A known acquired resistance mutation beside a
     * positive result is reported: not-met when the knowledge confirms the mutation, unknown while it is UNVERIFIED.
     */
    private CriterionResult biomarker(Criterion c, ChartFacts chart) {
        KnowledgeModel.Biomarker biomarker = knowledge.biomarker(
                Objects.requireNonNull(c.biomarker(), "KnowledgeLoader holds a biomarker criterion to name one")).orElseThrow();
        String needed = documentation(c, biomarker.documentation());
        List<BiomarkerFact> results = chart.biomarkers().stream().filter(b -> b.biomarkerId().equals(biomarker.id())).toList();
        if (results.isEmpty()) {
            return result(c, Status.UNKNOWN, "No " + biomarker.label() + " result on file", List.of(), needed);
        }
        List<BiomarkerFact> otherKind = results.stream().filter(r -> !ofKind(r, biomarker)).toList();
        List<BiomarkerFact> screens = results.stream()
                .filter(r -> ofKind(r, biomarker) && r.screen() && !c.screeningAccepted()).toList();
        List<BiomarkerFact> decisive = results.stream()
                .filter(r -> ofKind(r, biomarker) && (!r.screen() || c.screeningAccepted()) && r.problem() == null).toList();
        List<BiomarkerFact> standing = superseding(decisive.stream().filter(BiomarkerFact::isFinal).toList());
        List<BiomarkerFact> positive = standing.stream().filter(r -> r.polarity() == Polarity.POSITIVE).toList();
        List<BiomarkerFact> negative = standing.stream().filter(r -> r.polarity() == Polarity.NEGATIVE).toList();
        List<String> caveats = caveats(biomarker, standing);
        if (!positive.isEmpty() && !negative.isEmpty()) {
            List<BiomarkerFact> both = new ArrayList<>(positive);
            both.addAll(negative);
            return result(c, Status.UNKNOWN, "Contradictory final " + biomarker.label() + " results on file (positive: "
                    + describe(positive) + "; negative: " + describe(negative) + "); reconcile them before submitting",
                    refs(both), needed, caveats);
        }
        if (!positive.isEmpty()) {
            CriterionResult resistant = resistance(c, biomarker, results, positive, needed, caveats);
            if (resistant != null) {
                return resistant;
            }
            BiomarkerFact first = positive.get(positive.size() - 1);
            return result(c, Status.MET, biomarker.label() + ": " + first.result()
                    + (first.method() == null ? "" : " (" + first.method() + ")")
                    + (first.date() == null ? "" : ", " + first.date()), refs(positive), needed, caveats);
        }
        if (!negative.isEmpty()) {
            return result(c, Status.NOT_MET, biomarker.label() + " result on file is negative", refs(negative), needed, caveats);
        }
        List<BiomarkerFact> screenPositive = screens.stream().filter(r -> r.isFinal() && r.polarity() == Polarity.POSITIVE).toList();
        if (!screenPositive.isEmpty() && biomarker.screening() != null) {
            return result(c, Status.UNKNOWN, "Screen positive (" + describe(screenPositive) + "): "
                    + biomarker.screening().text(), refs(screenPositive), needed);
        }
        List<BiomarkerFact> otherPositive = otherKind.stream().filter(r -> r.polarity() == Polarity.POSITIVE).toList();
        if (!otherPositive.isEmpty()) {
            return result(c, Status.UNKNOWN, "The " + biomarker.label() + " result on file (" + describe(otherPositive)
                    + ") reports a " + (otherPositive.get(0).alteration() == ChartFacts.Alteration.FUSION ? "fusion" : "mutation")
                    + ", not a " + biomarker.label() + " result", refs(otherPositive), needed);
        }
        List<BiomarkerFact> unreadable = results.stream().filter(r -> r.problem() != null).toList();
        if (!unreadable.isEmpty() && decisive.isEmpty()) {
            return result(c, Status.UNKNOWN, biomarker.label() + " result could not be read: " + unreadable.stream()
                    .map(BiomarkerFact::problem).distinct().collect(java.util.stream.Collectors.joining("; ")),
                    refs(unreadable), needed);
        }
        List<BiomarkerFact> pending = decisive.stream().filter(r -> !r.isFinal()).toList();
        if (!pending.isEmpty()) {
            return result(c, Status.UNKNOWN, biomarker.label() + " result is not final yet", refs(pending), needed);
        }
        return result(c, Status.UNKNOWN, biomarker.label() + " result is indeterminate", refs(results), needed);
    }

    /** Whether a result is of the biomarker's kind of change; results that do not say are taken at their code's word. */
    private static boolean ofKind(BiomarkerFact r, KnowledgeModel.Biomarker b) {
        return r.ofKind(b.alteration());
    }

    /** Drops each final result a later one of the same test replaces; results of tests not known to be the same stay. */
    private static List<BiomarkerFact> superseding(List<BiomarkerFact> finals) {
        return finals.stream()
                .filter(f -> finals.stream().noneMatch(g -> g != f && g.sameTestAs(f) && g.date() != null && f.date() != null
                        && g.date().compareTo(f.date()) > 0))
                .toList();
    }

    /** What the sender should check: codes and thresholds the outcome rests on that the knowledge has not verified. */
    private static List<String> caveats(KnowledgeModel.Biomarker b, List<BiomarkerFact> standing) {
        List<String> out = new ArrayList<>();
        for (BiomarkerFact f : standing) {
            if (f.testCode() == null) {
                continue;
            }
            b.testCode(f.testCode()).ifPresent(code -> {
                if (code.note() != null) {
                    out.add("LOINC " + code.code() + " (" + code.display() + "): " + code.note() + ".");
                } else if (KnowledgeModel.UNVERIFIED.equals(code.verification())) {
                    out.add("LOINC " + code.code() + " is read as \"" + code.display() + "\", which is UNVERIFIED: check the"
                            + " code on the lab report.");
                }
            });
        }
        if (b.threshold() != null && !standing.isEmpty() && KnowledgeModel.UNVERIFIED.equals(b.threshold().verification())) {
            out.add("The threshold \"" + b.threshold().text() + "\" is UNVERIFIED (" + b.threshold().source()
                    + "): check it against the payer's criteria.");
        }
        return out;
    }

    /**
     * A known acquired resistance mutation beside a positive result: not-met with the mutation cited when the
     * knowledge confirms it, unknown while it is UNVERIFIED; null when there is none.
     */
    private static @Nullable CriterionResult resistance(Criterion c, KnowledgeModel.Biomarker b,
            List<BiomarkerFact> results, List<BiomarkerFact> positive, String needed, List<String> caveats) {
        if (b.resistance() == null) {
            return null;
        }
        List<BiomarkerFact> carriers = results.stream()
                .filter(r -> r.isFinal() && r.polarity() != Polarity.NEGATIVE && !r.resistanceMutations().isEmpty()).toList();
        if (carriers.isEmpty()) {
            return null;
        }
        List<String> evidence = new ArrayList<>(refs(positive));
        carriers.forEach(r -> evidence.add(r.reference()));
        java.util.Set<String> confirmed = new java.util.LinkedHashSet<>();
        java.util.Set<String> unconfirmed = new java.util.LinkedHashSet<>();
        for (BiomarkerFact r : carriers) {
            for (String name : r.resistanceMutations()) {
                boolean known = b.resistance().mutation(name)
                        .map(m -> !KnowledgeModel.UNVERIFIED.equals(m.verification())).orElse(false);
                (known ? confirmed : unconfirmed).add(name);
            }
        }
        List<String> distinctEvidence = evidence.stream().distinct().toList();
        if (!confirmed.isEmpty()) {
            return result(c, Status.NOT_MET, b.label() + " on file (" + describe(positive) + "), but an acquired resistance"
                    + " mutation is reported: " + String.join(", ", confirmed) + "; " + b.resistance().text(),
                    distinctEvidence, needed, caveats);
        }
        List<String> more = new ArrayList<>(caveats);
        more.add("Listed as an acquired resistance mutation in Overturn's knowledge, but UNVERIFIED: "
                + String.join(", ", unconfirmed) + ".");
        return result(c, Status.UNKNOWN, b.label() + " on file (" + describe(positive) + "), and "
                + String.join(", ", unconfirmed) + " is also reported, which may be an acquired resistance mutation; "
                + b.resistance().text() + ", so review it before submitting", distinctEvidence, needed, more);
    }

    private static String describe(List<BiomarkerFact> facts) {
        return facts.stream()
                .map(f -> f.result() + (f.method() == null ? "" : " by " + f.method()) + (f.date() == null ? "" : ", " + f.date()))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static List<String> refs(List<BiomarkerFact> facts) {
        return facts.stream().map(BiomarkerFact::reference).distinct().toList();
    }

    /**
     * A prior therapy counts as tried when its course ended: completed or stopped (MedicationStatement and
     * MedicationRequest statuses alike). Active, draft and intended are not prior; not-taken, cancelled,
     * entered-in-error and on-hold were not tried (on-hold: the course is paused, not ended); unknown may or may not
     * have been, so it makes the criterion unknown rather than met or not met.
     */
    private static final java.util.Set<String> TRIED = java.util.Set.of("completed", "stopped");
    private static final java.util.Set<String> UNCLEAR = java.util.Set.of("unknown");

    /**
     * A prior-therapy criterion may also be met by a diagnosis code that states the disease came back after treatment
     * ({@code icd10}, e.g. C91.02 "in relapse"): then the relapse is cited, whatever the medication list shows.
     */
    private CriterionResult priorTherapy(Criterion c, ChartFacts chart) {
        CriterionResult therapies = therapiesOnFile(c, chart);
        if (therapies.status() == Status.MET || c.icd10().isEmpty()) {
            return therapies;
        }
        List<ChartFacts.ConditionFact> relapse = chart.conditions().stream()
                .filter(f -> f.icd10().stream().anyMatch(code -> inCategories(code, c.icd10()))).toList();
        if (relapse.isEmpty()) {
            return therapies;
        }
        return result(c, Status.MET, "Relapse on file: " + conditions(relapse),
                relapse.stream().map(ChartFacts.ConditionFact::reference).toList(), therapies.missingDocumentation());
    }

    private CriterionResult therapiesOnFile(Criterion c, ChartFacts chart) {
        String names = c.drugs().isEmpty() ? "prior therapy" : String.join(" or ", c.drugs());
        String needed = documentation(c, "Dated record of " + names + " with the reason it was stopped");
        List<ChartFacts.TherapyFact> named = chart.therapies().stream()
                .filter(t -> c.drugs().isEmpty() || t.drugIds().stream().anyMatch(c.drugs()::contains))
                .filter(t -> t.drugIds().stream().noneMatch(c.excludeDrugs()::contains))
                .toList();
        // With a stopReasonPattern only a course that ended for that reason counts (progression or intolerance: "no
        // satisfactory alternative, or progression after one"); an excluded drug (another TRK inhibitor) never does.
        java.util.regex.Pattern stoppedFor = c.stopReasonPattern() == null ? null
                : java.util.regex.Pattern.compile(c.stopReasonPattern(), java.util.regex.Pattern.CASE_INSENSITIVE);
        List<ChartFacts.TherapyFact> tried = named.stream().filter(t -> TRIED.contains(t.status()))
                .filter(t -> stoppedFor == null || (t.stopReason() != null && stoppedFor.matcher(t.stopReason()).find())).toList();
        List<ChartFacts.TherapyFact> unclear = named.stream().filter(t -> UNCLEAR.contains(t.status())).toList();
        int minimum = c.minimum() == null ? 1 : c.minimum();
        if (tried.size() < minimum && tried.size() + unclear.size() >= minimum) {
            return result(c, Status.UNKNOWN, names + " on file, but whether it was taken and ended is not recorded ("
                    + unclear.stream().map(t -> t.text() + ": " + t.status()).collect(java.util.stream.Collectors.joining("; "))
                    + ")", unclear.stream().map(ChartFacts.TherapyFact::reference).toList(), needed);
        }
        if (tried.size() < minimum) {
            List<ChartFacts.TherapyFact> excluded = chart.therapies().stream()
                    .filter(t -> t.drugIds().stream().anyMatch(c.excludeDrugs()::contains)).toList();
            String why = tried.isEmpty() ? "No record of " + names + (stoppedFor == null ? "" : " stopped for progression or intolerance") + " on file"
                    : "Only " + tried.size() + " of " + minimum + " required therapies on file";
            if (!excluded.isEmpty()) {
                why += "; " + excluded.stream().map(ChartFacts.TherapyFact::text).collect(java.util.stream.Collectors.joining(", "))
                        + " does not count by itself";
            }
            return result(c, tried.isEmpty() && chart.therapies().isEmpty() ? Status.UNKNOWN : Status.NOT_MET, why,
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

    /** A setting's verdict on a chart: shown (with what shows it), ruled out by explicit facts, or undecided. */
    private record SettingMatch(boolean holds, boolean ruledOut, List<String> facts, List<String> evidence, List<String> caveats) {}

    /**
     * Met when the chart shows one of the label's settings (disease-settings.yaml); not met only when explicit facts
     * rule out every one of them (a non-metastatic stage and a resected tumour under 4 cm without nodes, for
     * example); otherwise unknown, naming what would decide it. A setting is never assumed from silence.
     */
    private CriterionResult setting(Criterion c, ChartFacts chart) {
        List<KnowledgeModel.DiseaseSetting> settings = c.settings().stream().map(id -> knowledge.setting(id).orElseThrow()).toList();
        String labels = settings.stream().map(KnowledgeModel.DiseaseSetting::label).collect(java.util.stream.Collectors.joining("; or "));
        String needed = documentation(c, "Staging (stage group or TNM), the metastatic sites, or the resection with tumour size"
                + " and nodes, showing " + labels);
        List<String> against = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        boolean allRuledOut = true;
        for (KnowledgeModel.DiseaseSetting s : settings) {
            SettingMatch m = match(s, chart);
            if (m.holds()) {
                CriterionResult met = result(c, Status.MET, capitalized(s.label()) + ": " + String.join("; ", m.facts()), m.evidence(),
                        needed, m.caveats());
                return new CriterionResult(met.id(), met.description(), met.required(), met.status(), met.reason(), met.evidence(),
                        met.missingDocumentation(), met.source(), met.caveats(), met.label(), s.id());
            }
            allRuledOut &= m.ruledOut();
            against.addAll(m.facts());
            evidence.addAll(m.evidence());
        }
        if (allRuledOut && !against.isEmpty()) {
            return result(c, Status.NOT_MET, "Outside the labeled setting (" + labels + "): " + String.join("; ", against),
                    evidence.stream().distinct().toList(), needed);
        }
        return result(c, Status.UNKNOWN, against.isEmpty()
                ? "No staging, metastatic site or resection on file; the label covers " + labels
                : "The chart does not show " + labels + " (" + String.join("; ", against) + ")",
                evidence.stream().distinct().toList(), needed);
    }

    private static SettingMatch match(KnowledgeModel.DiseaseSetting s, ChartFacts chart) {
        List<String> caveats = new ArrayList<>();
        for (ChartFacts.ConditionFact condition : chart.conditions()) {
            for (String code : condition.icd10()) {
                if (inCategories(code, s.conditionIcd10())) {
                    return new SettingMatch(true, false, List.of(code + " " + condition.text()), List.of(condition.reference()), caveats);
                }
            }
            for (String stage : condition.stages()) {
                if (s.stagePattern() != null && find(s.stagePattern(), stage)) {
                    return new SettingMatch(true, false, List.of(condition.text() + ", " + stage), List.of(condition.reference()), caveats);
                }
            }
            if (s.textPattern() != null && (find(s.textPattern(), condition.text())
                    || condition.stages().stream().anyMatch(t -> find(s.textPattern(), t)))) {
                return new SettingMatch(true, false, List.of(condition.text()), List.of(condition.reference()), caveats);
            }
        }
        List<String> against = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        boolean ruledOut = false;
        for (KnowledgeModel.ValueRule rule : s.observations()) {
            for (ChartFacts.ObservationFact o : chart.observations()) {
                if (!o.isFinal() || !rule.loinc().contains(o.loinc())) {
                    continue;
                }
                if (satisfies(rule, o.value())) {
                    if (KnowledgeModel.UNVERIFIED.equals(rule.verification())) {
                        caveats.add("LOINC " + o.loinc() + " is read as \"" + rule.display() + "\", which is UNVERIFIED: check the"
                                + " staging record.");
                    }
                    return new SettingMatch(true, false, List.of(o.text() + ": " + o.value()), List.of(o.reference()), caveats);
                }
                against.add(o.text() + ": " + o.value());
                evidence.add(o.reference());
                ruledOut = true; // an explicit stage or M category that is not this setting
            }
        }
        if (s.resection() != null) {
            List<ChartFacts.ProcedureFact> resections = chart.procedures().stream()
                    .filter(p -> p.snomed().stream().anyMatch(s.resection().snomed()::contains) || find(s.resection().textPattern(), p.text()))
                    .toList();
            if (resections.isEmpty()) {
                return new SettingMatch(false, false, against, evidence, caveats);
            }
            ChartFacts.ProcedureFact done = resections.get(resections.size() - 1);
            String resected = done.text() + (done.performed() == null ? "" : " (" + done.performed() + ")");
            List<String> qualifiersAgainst = new ArrayList<>();
            for (KnowledgeModel.ValueRule rule : s.resection().qualifiers()) {
                for (ChartFacts.ObservationFact o : chart.observations()) {
                    if (!o.isFinal() || !rule.loinc().contains(o.loinc())) {
                        continue;
                    }
                    if (satisfies(rule, o.value())) {
                        if (KnowledgeModel.UNVERIFIED.equals(rule.verification())) {
                            caveats.add("LOINC " + o.loinc() + " is read as \"" + rule.display() + "\", which is UNVERIFIED: check"
                                    + " the pathology report.");
                        }
                        return new SettingMatch(true, false, List.of(resected + ", " + o.text() + ": " + o.value()),
                                List.of(done.reference(), o.reference()), caveats);
                    }
                    qualifiersAgainst.add(o.text() + ": " + o.value());
                    evidence.add(o.reference());
                }
            }
            evidence.add(done.reference());
            if (qualifiersAgainst.isEmpty()) {
                against.add(resected + ", without the tumour size or nodal status");
                return new SettingMatch(false, false, against, evidence, caveats);
            }
            against.add(resected + " with " + String.join(", ", qualifiersAgainst));
            return new SettingMatch(false, true, against, evidence, caveats);
        }
        return new SettingMatch(false, ruledOut, against, evidence, caveats);
    }

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(cm|mm)\\b",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** The value matches the rule's pattern from its start, or is a size of at least its centimetres (cm or mm). */
    private static boolean satisfies(KnowledgeModel.ValueRule rule, String value) {
        if (rule.valuePattern() != null) {
            return java.util.regex.Pattern.compile(rule.valuePattern(), java.util.regex.Pattern.CASE_INSENSITIVE)
                    .matcher(value.trim()).lookingAt();
        }
        java.util.regex.Matcher m = SIZE.matcher(value);
        if (rule.atLeastCm() == null || !m.find()) {
            return false;
        }
        java.math.BigDecimal cm = new java.math.BigDecimal(m.group(1));
        if (m.group(2).equalsIgnoreCase("mm")) {
            cm = cm.movePointLeft(1);
        }
        return cm.compareTo(rule.atLeastCm()) >= 0;
    }

    private static boolean find(String regex, String text) {
        return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.CASE_INSENSITIVE).matcher(text).find();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Active disease: a diagnosis under one of {@code icd10} (not in remission); not met when the only diagnoses are
     * under {@code inactiveIcd10} (in remission); unknown when the code does not say which.
     */
    private static CriterionResult status(Criterion c, ChartFacts chart) {
        String needed = documentation(c, "The diagnosis with its full ICD-10-CM code (" + String.join(", ", c.icd10())
                + " for active disease)");
        List<ChartFacts.ConditionFact> active = chart.conditions().stream()
                .filter(f -> f.icd10().stream().anyMatch(code -> inCategories(code, c.icd10()))).toList();
        if (!active.isEmpty()) {
            return result(c, Status.MET, "Active disease on file: " + conditions(active),
                    active.stream().map(ChartFacts.ConditionFact::reference).toList(), needed);
        }
        List<ChartFacts.ConditionFact> remission = chart.conditions().stream()
                .filter(f -> f.icd10().stream().anyMatch(code -> inCategories(code, c.inactiveIcd10()))).toList();
        if (!remission.isEmpty()) {
            return result(c, Status.NOT_MET, "In remission on file (" + conditions(remission) + "), not active disease",
                    remission.stream().map(ChartFacts.ConditionFact::reference).toList(), needed);
        }
        return result(c, Status.UNKNOWN, "No diagnosis on file says whether the disease is active or in remission", List.of(), needed);
    }

    private static String conditions(List<ChartFacts.ConditionFact> facts) {
        return facts.stream().map(f -> String.join("/", f.icd10()) + " " + f.text()).collect(java.util.stream.Collectors.joining("; "));
    }

    private static CriterionResult age(Criterion c, ChartFacts chart, LocalDate today) {
        String needed = documentation(c, "Patient date of birth");
        if (chart.birthDate() == null) {
            return result(c, Status.UNKNOWN, "No date of birth on file", List.of(), needed);
        }
        int years = Period.between(chart.birthDate(), today).getYears();
        int minimum = Objects.requireNonNull(c.years(), "KnowledgeLoader holds an age-minimum criterion to name years");
        return years >= minimum
                ? result(c, Status.MET, "Age " + years, List.of(), needed)
                : result(c, Status.NOT_MET, "Age " + years + " is under " + minimum, List.of(), needed);
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
