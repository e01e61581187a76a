package org.overturn.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;

/** A chart's results as the criteria see them: written in words or coded, read as a clinician would. */
class FactExtractorTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private final FactExtractor extractor = new FactExtractor(KNOWLEDGE, new DrugCatalog(KNOWLEDGE));

    private static Observation alkFish(String id) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setSubject(new Reference("Patient/p1"));
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "76042-8", "ALK FISH")));
        return o;
    }

    private Polarity read(Observation o) {
        Patient patient = new Patient();
        patient.setId("p1");
        ChartFacts facts = extractor.facts(
                new Chart(patient, List.of(), List.of(o), List.of(), List.of(), List.of(), List.of(), List.of()), null);
        assertThat(facts.biomarkers()).hasSize(1);
        return facts.biomarkers().get(0).polarity();
    }

    @Test
    void negationInWordsIsNegativeNotPositive() {
        Observation o = alkFish("o1");
        o.setValue(new StringType("No ALK rearrangement detected"));
        assertThat(read(o)).isEqualTo(Polarity.NEGATIVE);
    }

    @Test
    void codesDecideBeforeWordsAndCodesThatDisagreeDecideNothing() {
        Observation o = alkFish("o2");
        o.setValue(new CodeableConcept(new Coding("http://loinc.org", "LA6577-6", "Negative")).setText("detected"));
        assertThat(read(o)).isEqualTo(Polarity.NEGATIVE);

        Observation both = alkFish("o3");
        both.setValue(new CodeableConcept(new Coding("http://loinc.org", "LA6576-8", "Positive")));
        both.addInterpretation(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "NEG", "Negative")));
        assertThat(read(both)).isEqualTo(Polarity.INDETERMINATE);

        Observation ind = alkFish("o4");
        ind.setValue(new StringType("positive"));
        ind.addInterpretation(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "IND", "Indeterminate")));
        assertThat(read(ind)).isEqualTo(Polarity.INDETERMINATE);
    }

    /** An mCODE/genomics-reporting variant Observation naming the gene studied in the given coding. */
    private static Observation ntrkVariant(String id, Coding gene, String text) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setSubject(new Reference("Patient/p1"));
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "69548-6", "Genetic variant assessment")));
        o.setValue(new CodeableConcept(new Coding("http://loinc.org", "LA9633-4", "Present")));
        CodeableConcept studied = new CodeableConcept();
        if (gene != null) {
            studied.addCoding(gene);
        }
        studied.setText(text);
        o.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "48018-6", "Gene studied")))
                .setValue(studied);
        return o;
    }

    @Test
    void geneStudiedIsRecognisedInEverySystemFormInUse() {
        List<Coding> forms = List.of(
                new Coding("http://www.genenames.org/geneId", "HGNC:8033", "NTRK3"),
                new Coding("http://www.genenames.org", "HGNC:8031", null),
                new Coding("http://www.genenames.org/geneId", "8032", null),
                new Coding("http://www.genenames.org", "hgnc:8031", null));
        int n = 0;
        for (Coding gene : forms) {
            assertThat(read(ntrkVariant("v" + (++n), gene, null))).as(gene.getSystem() + " " + gene.getCode())
                    .isEqualTo(Polarity.POSITIVE);
        }
        assertThat(read(ntrkVariant("v-text", null, "NTRK1"))).as("the gene symbol in text").isEqualTo(Polarity.POSITIVE);
    }
}
