package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.CriteriaEvaluator;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.evidence.Chart;
import org.overturn.evidence.FactExtractor;

/** The medical-necessity letter fits the patient: setting, age and dose, off-label framing, caveats to the checklist. */
class LetterComposerTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final FactExtractor FACTS = new FactExtractor(KNOWLEDGE, new DrugCatalog(KNOWLEDGE));
    private static final LetterComposer COMPOSER = new LetterComposer(KNOWLEDGE, FACTS);
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 5);

    private static Condition condition(String id, String icd10, String text) {
        Condition c = new Condition().setSubject(new Reference("Patient/p1"))
                .setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", icd10, text)).setText(text));
        c.setId(id);
        return c;
    }

    private static Observation observation(String id, String loinc, String display) {
        Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/p1"))
                .setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, display)));
        o.setEffective(new DateTimeType("2026-11-02"));
        o.setId(id);
        return o;
    }

    private static Observation positive(String id, String loinc, String display) {
        Observation o = observation(id, loinc, display);
        o.addInterpretation(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "POS", "Positive")));
        o.setMethod(new CodeableConcept().setText("FISH"));
        return o;
    }

    private static Letter letter(String drugId, String born, List<Condition> conditions, List<Observation> observations) {
        Patient patient = new Patient();
        patient.setId("p1");
        patient.addName().setFamily("Rivera").addGiven("Ana");
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born));
        Chart chart = new Chart(patient, conditions, observations, List.of(), List.of(), List.of(), List.of(), List.of());
        KnowledgeModel.Drug drug = KNOWLEDGE.drug(drugId).orElseThrow();
        KnowledgeModel.Payer cigna = KNOWLEDGE.payers().get(0);
        var evaluation = new CriteriaEvaluator(KNOWLEDGE).evaluate(KNOWLEDGE.policy("cigna", drugId).orElseThrow(),
                FACTS.facts(chart, null), TODAY);
        Assessment a = new Assessment(Optional.of(cigna), Optional.of(drug), Optional.of(evaluation), "",
                new Organization().setName("Cigna Healthcare"), chart, new Coverage());
        return COMPOSER.medicalNecessity(a, null, null, TODAY);
    }

    private static String text(Letter l) {
        StringBuilder out = new StringBuilder(l.title()).append('\n');
        l.sections().forEach(s -> s.statements().forEach(st -> out.append(st.text()).append('\n')));
        return out.toString();
    }

    private static final Observation ALK = positive("o1", "76042-8", "ALK FISH");

    @Test
    void medicalNecessityWhenMetastaticAdultThenOnlyTheMetastaticIndicationAndTheAdultDose() {
        String t = text(letter("alectinib", "1968-04-12", List.of(condition("c1", "C34.11", "NSCLC"),
                condition("c2", "C79.31", "Brain metastases")), List.of(ALK)));
        assertThat(t).startsWith("Letter of Medical Necessity");
        assertThat(t).contains("FDA-approved for metastatic ALK-positive").doesNotContain("Adjuvant treatment after resection");
        assertThat(t).contains("Labeled adult dosing: 600 mg");
    }

    @Test
    void medicalNecessityWhenSixteenYearOldOnAlecensaThenAnOffLabelRequestWithoutTheAdultDose() {
        Letter l = letter("alectinib", "2010-03-01", List.of(condition("c1", "C34.11", "NSCLC"),
                condition("c2", "C79.31", "Brain metastases")), List.of(ALK));
        String t = text(l);
        assertThat(t).startsWith("Request for Coverage of Off-Label Use").contains("outside its FDA-labeled indication")
                .contains("outside the FDA label (this is an off-label request)");
        assertThat(t).doesNotContain("600 mg").contains("The label sets no pediatric dose");
        assertThat(l.checklist()).anyMatch(c -> c.startsWith("Off-label request") && c.contains("compendium"));
    }

    @Test
    void medicalNecessityWhenChildOnVitrakviThenTheDoseByBodySurfaceAreaOrWhatIsNeededForIt() {
        Condition sarcoma = condition("c1", "C49.9", "Infantile fibrosarcoma, unresectable");
        Observation fusion = positive("o1", "82115-9", "NTRK fusion");
        Observation height = observation("o2", "8302-2", "Body height").setValue(new Quantity().setValue(72).setUnit("cm"));
        Observation weight = observation("o3", "29463-7", "Body weight").setValue(new Quantity().setValue(8.4).setUnit("kg"));
        String measured = text(letter("larotrectinib", "2025-06-01", List.of(sarcoma), List.of(fusion, height, weight)));
        assertThat(measured).contains("BSA 0.41 m2").contains("41 mg orally twice daily").doesNotContain("Labeled adult dosing");

        Letter unmeasured = letter("larotrectinib", "2025-06-01", List.of(sarcoma), List.of(fusion));
        assertThat(text(unmeasured)).contains("Pediatric dosing is by body surface area").doesNotContain("Labeled adult dosing");
        assertThat(unmeasured.missing()).anyMatch(m -> m.item().contains("height and weight"));
    }

    @Test
    void medicalNecessityWhenResectedLargeTumourThenTheAdjuvantIndicationAndOnlyTheEvidenceOfThatSetting() {
        Observation height = observation("o2", "8302-2", "Body height");
        Observation size = observation("o5", "21889-1", "Size Tumor").setValue(new Quantity().setValue(4.5).setUnit("cm"));
        org.hl7.fhir.r4.model.Procedure lobectomy = new org.hl7.fhir.r4.model.Procedure()
                .setStatus(org.hl7.fhir.r4.model.Procedure.ProcedureStatus.COMPLETED).setSubject(new Reference("Patient/p1"))
                .setCode(new CodeableConcept().setText("Right upper lobectomy"));
        lobectomy.setId("pr1");
        Patient patient = new Patient();
        patient.setId("p1");
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1968-04-12"));
        Chart chart = new Chart(patient, List.of(condition("c1", "C34.11", "NSCLC")), List.of(ALK, height, size), List.of(),
                List.of(), List.of(), List.of(lobectomy), List.of());
        var evaluation = new CriteriaEvaluator(KNOWLEDGE).evaluate(KNOWLEDGE.policy("cigna", "alectinib").orElseThrow(),
                FACTS.facts(chart, null), TODAY);
        Letter l = COMPOSER.medicalNecessity(new Assessment(Optional.of(KNOWLEDGE.payers().get(0)),
                Optional.of(KNOWLEDGE.drug("alectinib").orElseThrow()), Optional.of(evaluation), "",
                new Organization().setName("Cigna Healthcare"), chart, new Coverage()), null, null, TODAY);
        String t = text(l);
        assertThat(t).contains("FDA-approved for adjuvant treatment after resection").doesNotContain("metastatic ALK-positive non-small");
        assertThat(t).doesNotContain("UNVERIFIED");
        // ALEX studied advanced disease, not adjuvant treatment: not cited for this patient, named on the checklist.
        assertThat(t).doesNotContain("ALEX");
        assertThat(l.checklist()).anyMatch(c -> c.startsWith("Not cited in the letter") && c.contains("ALEX"));
    }

    @Test
    void medicalNecessityWhenAnInvestigationalDrugsOnlyTrialStudiedAnotherTumourThenItIsNotCited() {
        Letter l = letter("zanzalintinib", "1961-11-19", List.of(condition("c1", "C64.1", "Clear cell renal cell carcinoma")), List.of());
        String t = text(l);
        assertThat(t).doesNotContain("STELLAR-303").doesNotContain("FDA-approved for").contains("investigational");
        assertThat(l.checklist()).anyMatch(c -> c.startsWith("Not cited in the letter") && c.contains("STELLAR-303"));
    }

    @Test
    void medicalNecessityWhenAnOutcomeRestsOnAnUnverifiedThresholdThenTheCaveatGoesToTheChecklistNotTheLetter() {
        Observation cd22 = observation("o1", "14017-8", "CD22 cells/100 cells in Blood")
                .setValue(new Quantity().setValue(87).setUnit("%"));
        cd22.setMethod(new CodeableConcept().setText("Flow cytometry"));
        Letter l = letter("inotuzumab-ozogamicin", "1991-02-27", List.of(condition("c1", "C91.02", "B-ALL in relapse")), List.of(cd22));
        assertThat(text(l)).doesNotContain("UNVERIFIED");
        assertThat(l.checklist()).anyMatch(c -> c.startsWith("Check before sending") && c.contains("UNVERIFIED"));
    }
}
