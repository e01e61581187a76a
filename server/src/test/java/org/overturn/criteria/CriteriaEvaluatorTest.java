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
    private static final ConditionFact BRAIN_METS = new ConditionFact("Condition/2", List.of("C79.31"), "Brain metastases");
    private static final LocalDate ADULT = LocalDate.of(1968, 4, 12);
    private static final ObservationFact ECOG = new ObservationFact("Observation/9", "89247-1", "ECOG", "1", true);
    private static final TherapyFact CRIZOTINIB = new TherapyFact("MedicationStatement/5", Set.of("crizotinib"),
            "crizotinib", "stopped", "2025-02-20", "2025-11-10", "Disease progression");

    private static BiomarkerFact alk(String ref, Polarity polarity, boolean isFinal) {
        return new BiomarkerFact(ref, "ALK-rearrangement", polarity, isFinal, polarity.name(), "FISH", "2025-01-10", "Example Pathology Lab");
    }

    @Test
    void completeChartThenAllMetWithEvidence() {
        Evaluation e = alectinib(new ChartFacts(ADULT, List.of(NSCLC, BRAIN_METS),
                List.of(alk("Observation/2", Polarity.POSITIVE, true)), List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.CRITERIA_MET);
        assertThat(statuses(e)).containsOnly(
                Map.entry("diagnosis-nsclc", "met"), Map.entry("alk-positive", "met"), Map.entry("label-setting", "met"),
                Map.entry("label-age", "met"), Map.entry("performance-status", "met"), Map.entry("step-crizotinib", "met"));
        assertThat(e.results().get(1).evidence()).containsExactly("Observation/2");
        assertThat(e.results().get(1).reason()).contains("FISH");
        assertThat(e.missingDocumentation()).isEmpty();
        assertThat(e.policyVersion()).isEqualTo(3);
    }

    @Test
    void biomarkerMissingThenUnknownAndTheReportIsMissingDocumentation() {
        Evaluation e = alectinib(new ChartFacts(ADULT, List.of(NSCLC, BRAIN_METS), List.of(), List.of(CRIZOTINIB), List.of(ECOG)));
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
            assertThat(statuses(e)).as(status).containsEntry("step-crizotinib", "not-met");
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
        Evaluation e = alectinib(new ChartFacts(ADULT, List.of(NSCLC, BRAIN_METS), List.of(alk("Observation/2", Polarity.POSITIVE, true)),
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

    private static Evaluation.CriterionResult criterion(Evaluation e, String id) {
        return e.results().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static BiomarkerFact fact(String ref, String biomarker, Polarity polarity, boolean isFinal, String method, String date,
            String lab, ChartFacts.Alteration alteration, boolean screen, String code, List<String> resistance) {
        return new BiomarkerFact(ref, biomarker, polarity, isFinal, polarity.name().toLowerCase(java.util.Locale.ROOT), method, date,
                lab, alteration, screen, code, resistance, null);
    }

    private static BiomarkerFact alkFish(String ref, Polarity polarity, boolean isFinal, String method, String date, String lab) {
        return fact(ref, "ALK-rearrangement", polarity, isFinal, method, date, lab, ChartFacts.Alteration.FUSION, false, "76042-8",
                List.of());
    }

    private static String alkStatus(List<BiomarkerFact> facts) {
        return statuses(alectinib(new ChartFacts(null, List.of(NSCLC), facts, List.of(CRIZOTINIB), List.of(ECOG)))).get("alk-positive");
    }

    record TimeCase(String name, List<BiomarkerFact> facts, String status) {}

    /** Later final results of the same test supersede; different tests that disagree are unknown; pending is not final. */
    @Test
    void biomarkerWhenResultsChangeOverTimeThenLaterSameTestWinsAndDisagreeingTestsAreUnknown() {
        String lab = "Example Pathology Lab";
        List<TimeCase> cases = List.of(
                new TimeCase("later negative of the same test, method and lab supersedes",
                        List.of(alkFish("Observation/1", Polarity.POSITIVE, true, "FISH", "2025-01-10", lab),
                                alkFish("Observation/2", Polarity.NEGATIVE, true, "FISH", "2025-03-10", lab)), "not-met"),
                new TimeCase("later positive of the same test supersedes an earlier negative",
                        List.of(alkFish("Observation/1", Polarity.NEGATIVE, true, "FISH", "2025-01-10", lab),
                                alkFish("Observation/2", Polarity.POSITIVE, true, "FISH", "2025-03-10", lab)), "met"),
                new TimeCase("different methods disagree",
                        List.of(alkFish("Observation/1", Polarity.POSITIVE, true, "FISH", "2025-01-10", lab),
                                alkFish("Observation/2", Polarity.NEGATIVE, true, "NGS", "2025-03-10", lab)), "unknown"),
                new TimeCase("the lab is not named: never assumed the same",
                        List.of(alkFish("Observation/1", Polarity.POSITIVE, true, "FISH", "2025-01-10", null),
                                alkFish("Observation/2", Polarity.NEGATIVE, true, "FISH", "2025-03-10", null)), "unknown"),
                new TimeCase("a preliminary positive does not count against a final negative",
                        List.of(alkFish("Observation/1", Polarity.POSITIVE, false, "FISH", "2025-03-10", lab),
                                alkFish("Observation/2", Polarity.NEGATIVE, true, "FISH", "2025-01-10", lab)), "not-met"),
                new TimeCase("preliminary only",
                        List.of(alkFish("Observation/1", Polarity.POSITIVE, false, "FISH", "2025-03-10", lab)), "unknown"),
                new TimeCase("a mutation analysis is not a rearrangement result",
                        List.of(fact("Observation/3", "ALK-rearrangement", Polarity.POSITIVE, true, "NGS", "2025-03-10", lab,
                                ChartFacts.Alteration.SEQUENCE_CHANGE, false, "100019-9", List.of())), "unknown"));
        for (TimeCase c : cases) {
            assertThat(alkStatus(c.facts())).as(c.name()).isEqualTo(c.status());
        }
        Evaluation both = alectinib(new ChartFacts(null, List.of(NSCLC), cases.get(2).facts(), List.of(CRIZOTINIB), List.of(ECOG)));
        assertThat(criterion(both, "alk-positive").evidence()).containsExactlyInAnyOrder("Observation/1", "Observation/2");
        assertThat(criterion(both, "alk-positive").reason()).contains("FISH").contains("NGS");
    }

    private static Evaluation larotrectinib(List<BiomarkerFact> facts) {
        ConditionFact tumour = new ConditionFact("Condition/2", List.of("C49.9"), "Infantile fibrosarcoma");
        return evaluator.evaluate(knowledge.policy("cigna", "larotrectinib").orElseThrow(),
                new ChartFacts(null, List.of(tumour), facts, List.of(), List.of()), TODAY);
    }

    private static final BiomarkerFact NTRK_FUSION = fact("Observation/20", "NTRK-fusion", Polarity.POSITIVE, true, "NGS",
            "2025-07-08", "Lab", ChartFacts.Alteration.FUSION, false, null, List.of());

    @Test
    void ntrkWhenOnlyAPanTrkScreenThenUnknownAskingForConfirmationUnlessThePolicyAcceptsScreens() {
        BiomarkerFact ihc = fact("Observation/21", "NTRK-fusion", Polarity.POSITIVE, true, "IHC", "2025-07-01", "Lab",
                ChartFacts.Alteration.UNSPECIFIED, true, null, List.of());
        Evaluation.CriterionResult r = criterion(larotrectinib(List.of(ihc)), "ntrk-fusion");
        assertThat(r.status()).isEqualTo(Evaluation.Status.UNKNOWN);
        assertThat(r.reason()).contains("Screen positive").contains("confirm").contains("sequencing");
        assertThat(r.evidence()).containsExactly("Observation/21");

        KnowledgeModel.Criterion accepting = new KnowledgeModel.Criterion("ntrk-fusion", KnowledgeModel.Kind.BIOMARKER_POSITIVE,
                "NTRK fusion or a positive pan-TRK screen", null, null, "NTRK-fusion", null, null, null, null, null, true, "test", null, null, null, null, null, null);
        KnowledgeModel.Policy policy = new KnowledgeModel.Policy("test-screens", 1, "cigna", "larotrectinib", "2026-01-01", true,
                "test", "UNVERIFIED", List.of(accepting), List.of(), null);
        Evaluation e = evaluator.evaluate(policy, new ChartFacts(null, List.of(), List.of(ihc), List.of(), List.of()), TODAY);
        assertThat(statuses(e)).containsEntry("ntrk-fusion", "met");
    }

    @Test
    void ntrkWhenAnAcquiredResistanceMutationIsReportedThenOutsideTheLabelAndTheMutationCited() {
        BiomarkerFact xdfg = fact("Observation/22", "NTRK-fusion", Polarity.POSITIVE, true, "NGS", "2026-01-10", "Lab",
                ChartFacts.Alteration.SEQUENCE_CHANGE, false, null, List.of("NTRK3 G696A"));
        Evaluation.CriterionResult confirmed = criterion(larotrectinib(List.of(NTRK_FUSION, xdfg)), "ntrk-fusion");
        assertThat(confirmed.status()).isEqualTo(Evaluation.Status.NOT_MET);
        assertThat(confirmed.reason()).contains("NTRK3 G696A").contains("resistance");
        assertThat(confirmed.evidence()).containsExactly("Observation/20", "Observation/22");

        BiomarkerFact solventFront = fact("Observation/23", "NTRK-fusion", Polarity.POSITIVE, true, "NGS", "2026-01-10", "Lab",
                ChartFacts.Alteration.SEQUENCE_CHANGE, false, null, List.of("NTRK1 G595R"));
        Evaluation.CriterionResult unverified = criterion(larotrectinib(List.of(NTRK_FUSION, solventFront)), "ntrk-fusion");
        assertThat(unverified.status()).as("UNVERIFIED in the knowledge: never a guess").isEqualTo(Evaluation.Status.UNKNOWN);
        assertThat(unverified.reason()).contains("NTRK1 G595R").doesNotContain("UNVERIFIED");
        assertThat(unverified.caveats()).anyMatch(x -> x.contains("UNVERIFIED") && x.contains("NTRK1 G595R"));

        BiomarkerFact pointMutationOnly = fact("Observation/24", "NTRK-fusion", Polarity.POSITIVE, true, "NGS", "2026-01-10", "Lab",
                ChartFacts.Alteration.SEQUENCE_CHANGE, false, null, List.of());
        assertThat(criterion(larotrectinib(List.of(pointMutationOnly)), "ntrk-fusion").status())
                .as("a point mutation is not a fusion").isEqualTo(Evaluation.Status.UNKNOWN);
    }

    @Test
    void cd22WhenReadThroughAnUnverifiedCodeAndThresholdThenCaveatsNotInTheReason() {
        KnowledgeModel.Policy besponsa = knowledge.policy("cigna", "inotuzumab-ozogamicin").orElseThrow();
        BiomarkerFact cd22 = new BiomarkerFact("Observation/30", "CD22-expression", Polarity.POSITIVE, true, "87 %", "Flow cytometry",
                "2025-12-02", null, ChartFacts.Alteration.UNSPECIFIED, false, "14017-8", List.of(), null);
        Evaluation e = evaluator.evaluate(besponsa, new ChartFacts(null, List.of(), List.of(cd22), List.of(), List.of()), TODAY);
        Evaluation.CriterionResult r = criterion(e, "cd22-positive");
        assertThat(r.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(r.reason()).doesNotContainIgnoringCase("unverified");
        assertThat(r.caveats()).anyMatch(x -> x.contains("14017-8") && x.contains("blasts"));
        assertThat(r.caveats()).anyMatch(x -> x.contains("5%") && x.contains("UNVERIFIED"));
    }

    record DiagnosisCase(String name, List<ConditionFact> conditions, String status, boolean caveat) {}

    /** SNOMED CT only: matched through diagnoses.yaml or unknown; never not-met because another condition is coded. */
    @Test
    void diagnosisWhenCodedOnlyInSnomedOrWordsThenMappedOrUnknownNeverNotMet() {
        ConditionFact hypertension = new ConditionFact("Condition/9", List.of("I10"), "Hypertension");
        List<DiagnosisCase> cases = List.of(
                new DiagnosisCase("NSCLC in SNOMED CT only, mapped",
                        List.of(new ConditionFact("Condition/1", List.of(), List.of("254637007"), "NSCLC")), "met", true),
                new DiagnosisCase("an unmapped SNOMED CT cancer beside an ICD-10-CM hypertension",
                        List.of(new ConditionFact("Condition/1", List.of(), List.of("999999999"), "Lung carcinoma"), hypertension),
                        "unknown", false),
                new DiagnosisCase("a cancer in words only beside an ICD-10-CM hypertension",
                        List.of(new ConditionFact("Condition/1", List.of(), List.of(), "Lung adenocarcinoma"), hypertension),
                        "unknown", false),
                new DiagnosisCase("B-ALL in SNOMED CT maps elsewhere than C34",
                        List.of(new ConditionFact("Condition/1", List.of(), List.of("277571004"), "B-ALL")), "not-met", false),
                new DiagnosisCase("ICD-10-CM coded", List.of(NSCLC), "met", false));
        for (DiagnosisCase c : cases) {
            Evaluation e = alectinib(new ChartFacts(null, c.conditions(), List.of(), List.of(), List.of()));
            assertThat(statuses(e)).as(c.name()).containsEntry("diagnosis-nsclc", c.status());
            assertThat(criterion(e, "diagnosis-nsclc").caveats().isEmpty()).as(c.name()).isEqualTo(!c.caveat());
        }
    }
}
