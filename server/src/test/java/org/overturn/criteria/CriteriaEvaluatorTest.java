package org.overturn.criteria;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.ConditionFact;
import org.overturn.criteria.ChartFacts.ObservationFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.ChartFacts.TherapyFact;

/** Criteria against hand-built chart facts: met with evidence, not-met with reason, unknown rather than a guess. */
class CriteriaEvaluatorTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);
    private static Knowledge knowledge;
    private static CriteriaEvaluator evaluator;

    @BeforeAll
    static void load() {
        knowledge = KnowledgeLoader.load();
        evaluator = new CriteriaEvaluator(knowledge);
    }

    private static Evaluation alectinib(ChartFacts facts) {
        return evaluator.evaluate(knowledge.policy("cigna", "alectinib").orElseThrow(), facts, TODAY);
    }

    private static Map<String, String> statuses(Evaluation e) {
        return e.results().stream().collect(Collectors.toMap(Evaluation.CriterionResult::id, r -> r.status().code()));
    }

    private static final ConditionFact NSCLC = new ConditionFact("Condition/1", List.of("C34.11"), "NSCLC");
    private static final ObservationFact ECOG = new ObservationFact("Observation/9", "89247-1", "ECOG", "1", true);
    private static final TherapyFact CRIZOTINIB = new TherapyFact("MedicationStatement/5", Set.of("crizotinib"),
            "crizotinib", "stopped", "2025-02-20", "2025-11-10", "Disease progression");

    private static BiomarkerFact alk(String ref, Polarity polarity, boolean isFinal) {
        return new BiomarkerFact(ref, "ALK-rearrangement", polarity, isFinal, polarity.name(), "FISH", "2025-01-10", "Example Pathology Lab");
    }

    @Test
    void completeChartThenAllMetWithEvidence() {
        Evaluation e = alectinib(new ChartFacts(LocalDate.of(1968, 4, 12), List.of(NSCLC),
                List.of(alk("Observation/2", Polarity.POSITIVE, true)), List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.CRITERIA_MET);
        assertThat(statuses(e)).containsOnly(
                Map.entry("diagnosis-nsclc", "met"), Map.entry("alk-positive", "met"),
                Map.entry("performance-status", "met"), Map.entry("step-crizotinib", "met"));
        assertThat(e.results().get(1).evidence()).containsExactly("Observation/2");
        assertThat(e.results().get(1).reason()).contains("FISH");
        assertThat(e.missingDocumentation()).isEmpty();
        assertThat(e.policyVersion()).isEqualTo(2);
    }

    @Test
    void biomarkerMissingThenUnknownAndTheReportIsMissingDocumentation() {
        Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(), List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(statuses(e)).containsEntry("alk-positive", "unknown");
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.INCOMPLETE);
        assertThat(e.missingDocumentation()).containsExactly(knowledge.biomarker("ALK-rearrangement").orElseThrow().documentation());
    }

    @Test
    void biomarkerNegativeThenNotMet() {
        Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/3", Polarity.NEGATIVE, true)),
                List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(statuses(e)).containsEntry("alk-positive", "not-met");
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.CRITERIA_NOT_MET);
    }

    @Test
    void contradictoryOrPendingBiomarkerThenUnknownNeverMet() {
        Evaluation both = alectinib(new ChartFacts(null, List.of(NSCLC),
                List.of(alk("Observation/2", Polarity.POSITIVE, true), alk("Observation/3", Polarity.NEGATIVE, true)),
                List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(statuses(both)).containsEntry("alk-positive", "unknown");
        assertThat(both.results().get(1).reason()).contains("Contradictory");
        assertThat(both.results().get(1).evidence()).containsExactlyInAnyOrder("Observation/2", "Observation/3");

        Evaluation pending = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/4", Polarity.POSITIVE, false)),
                List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(statuses(pending)).containsEntry("alk-positive", "unknown");
        assertThat(pending.results().get(1).reason()).contains("not final");
    }

    @Test
    void diagnosisWhenTheCancerHasNoIcd10CodeThenUnknownNotNotMetBecauseAnotherConditionHasOne() {
        // Lung adenocarcinoma coded only in SNOMED CT (text kept), beside hypertension with an ICD-10-CM code.
        ConditionFact snomedOnly = new ConditionFact("Condition/8", List.of(), "Adenocarcinoma of lung");
        ConditionFact hypertension = new ConditionFact("Condition/9", List.of("I10"), "Essential hypertension");
        Evaluation e = alectinib(new ChartFacts(null, List.of(snomedOnly, hypertension), List.of(), List.of(), List.of()));
        assertThat(statuses(e)).containsEntry("diagnosis-nsclc", "unknown");
        Evaluation.CriterionResult dx = e.results().stream().filter(r -> r.id().equals("diagnosis-nsclc")).findFirst().orElseThrow();
        assertThat(dx.reason()).contains("Adenocarcinoma of lung").contains("ICD-10-CM");
        assertThat(dx.evidence()).containsExactly("Condition/8");
    }

    @Test
    void wrongDiagnosisThenNotMetAndNoDiagnosisThenUnknown() {
        ConditionFact kidney = new ConditionFact("Condition/7", List.of("C64.1"), "RCC");
        assertThat(statuses(alectinib(new ChartFacts(null, List.of(kidney), List.of(), List.of(), List.of()))))
                .containsEntry("diagnosis-nsclc", "not-met");
        assertThat(statuses(alectinib(new ChartFacts(null, List.of(), List.of(), List.of(), List.of()))))
                .containsEntry("diagnosis-nsclc", "unknown");
    }

    /** A therapy that was never taken, was cancelled or is paused was not tried; one whose course is unknown is unknown. */
    @Test
    void priorTherapyWhenNotTakenCancelledOrOnHoldThenNotTriedAndWhenOfUnknownCourseThenUnknown() {
        for (String status : List.of("not-taken", "cancelled", "on-hold", "entered-in-error")) {
            TherapyFact notTried = new TherapyFact("MedicationStatement/5", Set.of("crizotinib"), "crizotinib", status,
                    "2025-02-20", null, "Disease progression");
            Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/2", Polarity.POSITIVE, true)),
                    List.of(notTried), List.of(ECOG)));
            assertThat(statuses(e)).as(status).containsEntry("step-crizotinib", status.equals("on-hold") ? "unknown" : "not-met");
        }
        TherapyFact unknown = new TherapyFact("MedicationStatement/5", Set.of("crizotinib"), "crizotinib", "unknown",
                "2025-02-20", null, "Disease progression");
        Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/2", Polarity.POSITIVE, true)),
                List.of(unknown), List.of(ECOG)));
        assertThat(statuses(e)).containsEntry("step-crizotinib", "unknown");
    }

    @Test
    void observationWhenSeveralThenTheLatestByDateIsTheOneStatedWhateverTheChartOrder() {
        ObservationFact recent = new ObservationFact("Observation/11", "89247-1", "ECOG", "2", true, "2026-11-20");
        ObservationFact old = new ObservationFact("Observation/10", "89247-1", "ECOG", "0", true, "2025-03-01");
        Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/2", Polarity.POSITIVE, true)),
                List.of(CRIZOTINIB), List.of(recent, old)));
        Evaluation.CriterionResult ecog = e.results().stream().filter(r -> r.id().equals("performance-status")).findFirst().orElseThrow();
        assertThat(ecog.reason()).endsWith(": 2").contains("2026-11-20");
    }

    @Test
    void stepTherapyNotTriedThenNotMetButOptionalSoItDoesNotBlock() {
        TherapyFact other = new TherapyFact("MedicationStatement/8", Set.of(), "carboplatin", "completed", null, null, "completed");
        Evaluation e = alectinib(new ChartFacts(null, List.of(NSCLC), List.of(alk("Observation/2", Polarity.POSITIVE, true)),
                List.of(other), List.of(ECOG)));
        assertThat(statuses(e)).containsEntry("step-crizotinib", "not-met");
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.CRITERIA_MET);
    }

    @Test
    void investigationalDrugThenFdaApprovedIsNotMetAndNamesTheAccessRoutes() {
        Evaluation e = evaluator.evaluate(knowledge.policy("cigna", "zanzalintinib").orElseThrow(),
                new ChartFacts(null, List.of(), List.of(), List.of(), List.of()), TODAY);
        assertThat(statuses(e)).containsEntry("fda-approved", "not-met");
        assertThat(e.results().get(0).reason()).contains("investigational").contains("Form FDA 3926");
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.CRITERIA_NOT_MET);
    }

    @Test
    void ageWhenUnderMinimumThenNotMetAndWithoutBirthDateThenUnknown() {
        KnowledgeModel.Policy besponsa = knowledge.policy("cigna", "inotuzumab-ozogamicin").orElseThrow();
        ChartFacts baby = new ChartFacts(LocalDate.of(2026, 6, 1), List.of(), List.of(), List.of(), List.of());
        assertThat(statuses(evaluator.evaluate(besponsa, baby, TODAY))).containsEntry("age", "not-met");
        ChartFacts unknownAge = new ChartFacts(null, List.of(), List.of(), List.of(), List.of());
        assertThat(statuses(evaluator.evaluate(besponsa, unknownAge, TODAY))).containsEntry("age", "unknown");
    }

    @Test
    void cd22WhenDecidedAtAnUnconfirmedCutOffThenTheReasonSaysSo() {
        KnowledgeModel.Policy besponsa = knowledge.policy("cigna", "inotuzumab-ozogamicin").orElseThrow();
        ChartFacts chart = new ChartFacts(null, List.of(), List.of(new BiomarkerFact("Observation/cd22", "CD22-expression",
                Polarity.POSITIVE, true, "92 %", "flow cytometry", "2026-10-01", "Example Lab")), List.of(), List.of());
        Evaluation e = evaluator.evaluate(besponsa, chart, TODAY);
        Evaluation.CriterionResult cd22 = e.results().stream().filter(r -> r.id().equals("cd22-positive"))
                .findFirst().orElseThrow();
        assertThat(cd22.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(cd22.reason()).contains("not confirmed").contains("5%");
    }
}
