package org.overturn.criteria;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts.ConditionFact;
import org.overturn.criteria.ChartFacts.ObservationFact;
import org.overturn.criteria.ChartFacts.ProcedureFact;
import org.overturn.criteria.ChartFacts.TherapyFact;

/** Each drug's labelled limits (setting, age, active disease, prior leukemia therapy) as the criteria apply them. */
class LabelLimitsTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);
    private static final LocalDate ADULT = LocalDate.of(1968, 4, 12);
    private static Knowledge knowledge;
    private static CriteriaEvaluator evaluator;

    @BeforeAll
    static void load() {
        knowledge = KnowledgeLoader.load();
        evaluator = new CriteriaEvaluator(knowledge);
    }

    private static Evaluation.CriterionResult criterion(String drug, ChartFacts facts, String id) {
        Evaluation e = evaluator.evaluate(knowledge.policy("cigna", drug).orElseThrow(), facts, TODAY);
        return e.results().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static ChartFacts chart(LocalDate born, List<ConditionFact> conditions, List<ObservationFact> observations,
            List<ProcedureFact> procedures, List<TherapyFact> therapies) {
        return new ChartFacts(born, conditions, List.of(), therapies, observations, procedures);
    }

    private static final ConditionFact NSCLC = new ConditionFact("Condition/1", List.of("C34.11"), "NSCLC");
    private static final ProcedureFact LOBECTOMY = new ProcedureFact("Procedure/1", List.of("173171007"), "Right upper lobectomy", "2026-06-02");

    private static ObservationFact obs(String ref, String loinc, String text, String value) {
        return new ObservationFact(ref, loinc, text, value, true, "2026-06-10");
    }

    @Test
    void alecensaWhenTheChartShowsMetastasesOrStageIvThenInTheLabeledSetting() {
        var mets = new ConditionFact("Condition/2", List.of("C78.01"), "Secondary malignant neoplasm of right lung");
        assertThat(criterion("alectinib", chart(ADULT, List.of(NSCLC, mets), List.of(), List.of(), List.of()), "label-setting").status())
                .isEqualTo(Evaluation.Status.MET);
        var stage = obs("Observation/5", "21908-9", "Stage group.clinical Cancer", "cStage IVB");
        var r = criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(stage), List.of(), List.of()), "label-setting");
        assertThat(r.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(r.reason()).contains("Metastatic disease").contains("IVB");
        assertThat(r.evidence()).containsExactly("Observation/5");
        var staged = new ConditionFact("Condition/3", List.of("C34.11"), List.of(), "NSCLC", List.of("Stage IVA"));
        assertThat(criterion("alectinib", chart(ADULT, List.of(staged), List.of(), List.of(), List.of()), "label-setting").status())
                .isEqualTo(Evaluation.Status.MET);
    }

    @Test
    void alecensaWhenResectedTumourIsLargeOrNodePositiveThenAdjuvantSettingAndWhenSmallAndNodeNegativeThenOutsideTheLabel() {
        var stage = obs("Observation/5", "21902-2", "Stage group.pathology Cancer", "pIIA");
        var large = obs("Observation/6", "21889-1", "Size Tumor", "4.6 cm");
        var met = criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(stage, large), List.of(LOBECTOMY), List.of()), "label-setting");
        assertThat(met.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(met.reason()).contains("lobectomy").contains("4.6 cm");
        assertThat(met.caveats()).noneMatch(c -> c.contains("21889-1")); // checked against its LOINC long name: no caveat

        var nodes = obs("Observation/7", "21900-6", "Regional lymph nodes.pathology", "pN1");
        var small = obs("Observation/6", "21889-1", "Size Tumor", "22 mm");
        assertThat(criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(stage, small, nodes), List.of(LOBECTOMY), List.of()),
                "label-setting").status()).isEqualTo(Evaluation.Status.MET);

        var n0 = obs("Observation/7", "21900-6", "Regional lymph nodes.pathology", "pN0");
        var outside = criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(stage, small, n0), List.of(LOBECTOMY), List.of()),
                "label-setting");
        assertThat(outside.status()).isEqualTo(Evaluation.Status.NOT_MET);
        assertThat(outside.reason()).contains("Outside the labeled setting").contains("22 mm").contains("pN0").contains("pIIA");
    }

    @Test
    void alecensaWhenNothingSaysTheSettingOrOnlyPartOfItThenUnknownNeverAGuess() {
        var none = criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(), List.of(), List.of()), "label-setting");
        assertThat(none.status()).isEqualTo(Evaluation.Status.UNKNOWN);
        assertThat(none.reason()).contains("No staging");
        // Stage III and no resection on file: maybe resected elsewhere, so not decided.
        var stage = obs("Observation/5", "21908-9", "Stage group.clinical Cancer", "IIIA");
        assertThat(criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(stage), List.of(), List.of()), "label-setting").status())
                .isEqualTo(Evaluation.Status.UNKNOWN);
        // Resected, but neither size nor nodes recorded.
        assertThat(criterion("alectinib", chart(ADULT, List.of(NSCLC), List.of(), List.of(LOBECTOMY), List.of()), "label-setting").reason())
                .contains("without the tumour size or nodal status");
        // "No evidence of metastatic disease" is not metastatic.
        var denied = new ConditionFact("Condition/4", List.of(), "No evidence of metastatic disease");
        assertThat(criterion("alectinib", chart(ADULT, List.of(NSCLC, denied), List.of(), List.of(), List.of()), "label-setting").status())
                .isEqualTo(Evaluation.Status.UNKNOWN);
    }

    @Test
    void alecensaWhenTheApplicantIsSixteenThenOutsideTheAdultLabel() {
        var r = criterion("alectinib", chart(LocalDate.of(2010, 3, 1), List.of(NSCLC), List.of(), List.of(), List.of()), "label-age");
        assertThat(r.status()).isEqualTo(Evaluation.Status.NOT_MET);
        assertThat(r.reason()).contains("16").contains("18");
    }

    @Test
    void vitrakviWhenUnresectableOrMetastaticThenMetAndWhenOnlyAStageThenUnknown() {
        var sarcoma = new ConditionFact("Condition/1", List.of("C49.9"), "Infantile fibrosarcoma, unresectable");
        assertThat(criterion("larotrectinib", chart(LocalDate.of(2025, 1, 5), List.of(sarcoma), List.of(), List.of(), List.of()),
                "label-setting").status()).isEqualTo(Evaluation.Status.MET);
        var local = new ConditionFact("Condition/1", List.of("C07"), "Secretory carcinoma of the parotid gland");
        var stage = obs("Observation/5", "21908-9", "Stage group.clinical Cancer", "Stage II");
        // Resection might still cause severe morbidity: a stage alone does not rule the label out.
        assertThat(criterion("larotrectinib", chart(ADULT, List.of(local), List.of(stage), List.of(), List.of()), "label-setting").status())
                .isEqualTo(Evaluation.Status.UNKNOWN);
    }

    private static final ConditionFact B_ALL_REMISSION = new ConditionFact("Condition/1", List.of("C91.01"), "B-ALL in remission");
    private static final ConditionFact B_ALL = new ConditionFact("Condition/1", List.of("C91.00"), "B-ALL, not in remission");
    private static final ConditionFact B_ALL_RELAPSE = new ConditionFact("Condition/1", List.of("C91.02"), "B-ALL in relapse");

    @Test
    void besponsaWhenInRemissionThenNotActiveDiseaseAndWhenRelapsedThenActive() {
        var remission = criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(B_ALL_REMISSION), List.of(), List.of(), List.of()), "active-disease");
        assertThat(remission.status()).isEqualTo(Evaluation.Status.NOT_MET);
        assertThat(remission.reason()).contains("remission").contains("C91.01");
        assertThat(criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(B_ALL_RELAPSE), List.of(), List.of(), List.of()), "active-disease")
                .status()).isEqualTo(Evaluation.Status.MET);
        var unsaid = new ConditionFact("Condition/1", List.of("C91.0"), "B-ALL");
        assertThat(criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(unsaid), List.of(), List.of(), List.of()), "active-disease")
                .status()).isEqualTo(Evaluation.Status.UNKNOWN);
    }

    @Test
    void besponsaWhenOnlyAnUnrelatedMedicineWasStoppedThenNotRelapsedOrRefractoryButALeukemiaCourseOrARelapseCodeIs() {
        var statin = new TherapyFact("MedicationStatement/1", Set.of(), "atorvastatin 20 mg", "stopped", "2024-01-01", "2025-01-01",
                "myalgia");
        var r = criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(B_ALL), List.of(), List.of(), List.of(statin)), "relapsed-refractory");
        assertThat(r.status()).isEqualTo(Evaluation.Status.NOT_MET);

        var vincristine = new TherapyFact("MedicationStatement/2", Set.of("vincristine"), "vincristine (hyper-CVAD)", "completed",
                "2025-01-10", "2025-06-30", "refractory: persistent marrow blasts after two cycles");
        var tried = criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(B_ALL), List.of(), List.of(), List.of(statin, vincristine)),
                "relapsed-refractory");
        assertThat(tried.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(tried.reason()).contains("vincristine").contains("refractory");

        var relapse = criterion("inotuzumab-ozogamicin", chart(ADULT, List.of(B_ALL_RELAPSE), List.of(), List.of(), List.of()),
                "relapsed-refractory");
        assertThat(relapse.status()).isEqualTo(Evaluation.Status.MET);
        assertThat(relapse.reason()).contains("Relapse on file").contains("C91.02");
    }

    @Test
    void vitrakviWhenAChemotherapyProgressedThenPriorTherapyMetButProgressionOnEntrectinibAloneOrAStoppedStatinIsNot() {
        var chemo = new TherapyFact("MedicationStatement/1", Set.of(), "carboplatin + paclitaxel", "stopped", "2024-09-01", "2024-12-01",
                "Disease progression on restaging CT");
        var entrectinib = new TherapyFact("MedicationStatement/2", Set.of("entrectinib"), "entrectinib", "stopped", "2025-01-01",
                "2025-06-01", "Disease progression");
        var statin = new TherapyFact("MedicationStatement/3", Set.of(), "atorvastatin", "stopped", "2024-01-01", "2025-01-01", "myalgia");
        var parotid = new ConditionFact("Condition/1", List.of("C07"), "Secretory carcinoma of the parotid gland");
        assertThat(criterion("larotrectinib", chart(ADULT, List.of(parotid), List.of(), List.of(), List.of(chemo, entrectinib)),
                "prior-therapy").status()).isEqualTo(Evaluation.Status.MET);
        var alone = criterion("larotrectinib", chart(ADULT, List.of(parotid), List.of(), List.of(), List.of(entrectinib, statin)), "prior-therapy");
        assertThat(alone.status()).isEqualTo(Evaluation.Status.NOT_MET);
        assertThat(alone.reason()).contains("entrectinib does not count by itself");
    }
}
