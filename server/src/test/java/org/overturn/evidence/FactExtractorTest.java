package org.overturn.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.Alteration;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
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

    private static final String LOINC = "http://loinc.org";
    private static final String SO = "http://sequenceontology.org";
    private static final String HGNC = "http://www.genenames.org/geneId";

    private ChartFacts chart(List<Observation> observations, List<DiagnosticReport> reports) {
        Patient patient = new Patient();
        patient.setId("p1");
        return extractor.facts(new Chart(patient, List.of(), observations, reports, List.of(), List.of(), List.of(), List.of()), null);
    }

    /** A genomics-reporting variant Observation: genes studied, optional change type, optional variant component. */
    private static Observation variant(String id, List<String[]> genes, Coding changeType, String variantCode, String variantText) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept(new Coding(LOINC, "69548-6", "Genetic variant assessment")));
        o.setValue(new CodeableConcept(new Coding(LOINC, "LA9633-4", "Present")));
        for (String[] g : genes) {
            o.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "48018-6", "Gene studied [ID]")))
                    .setValue(new CodeableConcept(new Coding(HGNC, g[0], g[1])));
        }
        if (changeType != null) {
            o.addComponent().setCode(new CodeableConcept(new Coding(LOINC, "48019-4", "DNA change type")))
                    .setValue(new CodeableConcept(changeType));
        }
        if (variantCode != null) {
            o.addComponent().setCode(new CodeableConcept(new Coding(LOINC, variantCode, null)))
                    .setValue(new CodeableConcept().setText(variantText));
        } else if (variantText != null) {
            o.setValue(new StringType(variantText));
        }
        return o;
    }

    private static final String[] ETV6 = {"HGNC:3495", "ETV6"};
    private static final String[] NTRK1 = {"HGNC:8031", "NTRK1"};
    private static final String[] NTRK3 = {"HGNC:8033", "NTRK3"};
    private static final String[] EML4 = {"HGNC:1316", "EML4"};
    private static final String[] ALK = {"HGNC:427", "ALK"};

    record VariantCase(String name, Observation observation, String biomarker, Polarity polarity, Alteration alteration,
            List<String> resistance) {}

    /** The kind of change and the mutations named decide what a variant is; a point mutation is never a fusion. */
    @Test
    void variantWhenFusionOrPointMutationThenKindAndResistanceMutationsAreRead() {
        Observation panel = new Observation();
        panel.setId("panel");
        panel.setStatus(Observation.ObservationStatus.FINAL);
        panel.setCode(new CodeableConcept(new Coding(LOINC, "81247-9", "Master HL7 genetic variant reporting panel")));
        panel.addComponent().setCode(new CodeableConcept().setText("Fusion")).setValue(new StringType("ETV6-NTRK3 fusion"));
        List<VariantCase> cases = List.of(
                new VariantCase("fusion, both partners, SO gene_fusion",
                        variant("v1", List.of(ETV6, NTRK3), new Coding(SO, "SO:0001565", "gene_fusion"), null, null),
                        "NTRK-fusion", Polarity.POSITIVE, Alteration.FUSION, List.of()),
                new VariantCase("fusion written only as valueString",
                        variant("v2", List.of(EML4, ALK), null, null, "EML4-ALK variant 1"),
                        "ALK-rearrangement", Polarity.POSITIVE, Alteration.FUSION, List.of()),
                new VariantCase("point mutation, SO substitution, p.HGVS one-letter",
                        variant("v3", List.<String[]>of(NTRK1), new Coding(SO, "SO:1000002", "substitution"), "48005-3", "p.G595R"),
                        "NTRK-fusion", Polarity.POSITIVE, Alteration.SEQUENCE_CHANGE, List.of("NTRK1 G595R")),
                new VariantCase("point mutation, LOINC substitution answer, p.HGVS three-letter",
                        variant("v4", List.<String[]>of(NTRK3), new Coding(LOINC, "LA6690-7", "Substitution"), "48005-3", "p.Gly623Arg"),
                        "NTRK-fusion", Polarity.POSITIVE, Alteration.SEQUENCE_CHANGE, List.of("NTRK3 G623R")),
                new VariantCase("xDFG mutation in a discrete variant component, no change type",
                        variant("v5", List.<String[]>of(NTRK3), null, "81252-9", "NTRK3 c.2087G>C p.G696A"),
                        "NTRK-fusion", Polarity.POSITIVE, Alteration.SEQUENCE_CHANGE, List.of("NTRK3 G696A")),
                new VariantCase("a fusion named in a component of another Observation", panel,
                        "NTRK-fusion", Polarity.POSITIVE, Alteration.FUSION, List.of()));
        for (VariantCase c : cases) {
            List<BiomarkerFact> facts = chart(List.of(c.observation()), List.of()).biomarkers().stream()
                    .filter(f -> f.biomarkerId().equals(c.biomarker())).toList();
            assertThat(facts).as(c.name()).hasSize(1);
            assertThat(facts.get(0).polarity()).as(c.name()).isEqualTo(c.polarity());
            assertThat(facts.get(0).alteration()).as(c.name()).isEqualTo(c.alteration());
            assertThat(facts.get(0).resistanceMutations()).as(c.name()).isEqualTo(c.resistance());
        }
    }

    @Test
    void observationWhenPanTrkImmunohistochemistryThenAScreenAndWhenAlkMutationCodeThenNotARearrangement() {
        Observation ihc = new Observation();
        ihc.setId("Observation/ihc");
        ihc.setStatus(Observation.ObservationStatus.FINAL);
        ihc.setCode(new CodeableConcept().setText("pan-TRK"));
        ihc.setMethod(new CodeableConcept().setText("Immunohistochemistry"));
        ihc.setValue(new StringType("pan-TRK positive, NTRK fusion suspected"));
        Observation mutation = new Observation();
        mutation.setId("Observation/alk-mut");
        mutation.setStatus(Observation.ObservationStatus.FINAL);
        mutation.setCode(new CodeableConcept(new Coding(LOINC, "100019-9", "ALK gene mutations found")));
        mutation.setValue(new StringType("ALK L1196M detected"));
        List<BiomarkerFact> facts = chart(List.of(ihc, mutation), List.of()).biomarkers();
        BiomarkerFact screen = facts.stream().filter(f -> f.reference().equals("Observation/ihc")).findFirst().orElseThrow();
        assertThat(screen.biomarkerId()).isEqualTo("NTRK-fusion");
        assertThat(screen.screen()).isTrue();
        BiomarkerFact alk = facts.stream().filter(f -> f.reference().equals("Observation/alk-mut")).findFirst().orElseThrow();
        assertThat(alk.alteration()).isEqualTo(Alteration.SEQUENCE_CHANGE);
        assertThat(alk.polarity()).isEqualTo(Polarity.POSITIVE);
    }

    private static DiagnosticReport report(String id, Consumer<DiagnosticReport> setup) {
        DiagnosticReport r = new DiagnosticReport();
        r.setId("DiagnosticReport/" + id);
        r.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        r.setCode(new CodeableConcept().setText("Molecular pathology report"));
        r.setEffective(new DateTimeType("2025-03-01"));
        setup.accept(r);
        return r;
    }

    private static Attachment text(String contentType, String body) {
        return new Attachment().setContentType(contentType).setData(body.getBytes(StandardCharsets.UTF_8));
    }

    record ReportCase(String name, DiagnosticReport report, String biomarker, Polarity polarity, boolean problem) {}

    /** Results that live only in a report's words are read, and the fact cites the DiagnosticReport. */
    @Test
    void reportWhenResultIsOnlyInConclusionCodeOrTextThenReadAndTheReportCited() {
        List<ReportCase> cases = List.of(
                new ReportCase("conclusion", report("r1", r -> r.setConclusion("ALK rearrangement detected by FISH.")),
                        "ALK-rearrangement", Polarity.POSITIVE, false),
                new ReportCase("clauses read one gene each",
                        report("r2", r -> r.setConclusion("EGFR L858R detected; ALK negative")),
                        "ALK-rearrangement", Polarity.NEGATIVE, false),
                new ReportCase("conclusionCode text",
                        report("r3", r -> r.addConclusionCode(new CodeableConcept().setText("ETV6-NTRK3 fusion identified"))),
                        "NTRK-fusion", Polarity.POSITIVE, false),
                new ReportCase("text/plain presentedForm",
                        report("r4", r -> r.addPresentedForm(text("text/plain; charset=utf-8",
                                "Result: TPM3-NTRK1 fusion detected.\nNo other alterations."))),
                        "NTRK-fusion", Polarity.POSITIVE, false),
                new ReportCase("CD22 percentage against the threshold",
                        report("r5", r -> r.setConclusion("CD22 expressed on 3% of blasts")),
                        "CD22-expression", Polarity.NEGATIVE, false),
                new ReportCase("a PDF only, under an ALK code: unreadable, never a guess",
                        report("r6", r -> {
                            r.setCode(new CodeableConcept(new Coding(LOINC, "76042-8", null)));
                            r.addPresentedForm(text("application/pdf", "%PDF-1.4"));
                        }),
                        "ALK-rearrangement", Polarity.INDETERMINATE, true));
        for (ReportCase c : cases) {
            List<BiomarkerFact> facts = chart(List.of(), List.of(c.report())).biomarkers().stream()
                    .filter(f -> f.biomarkerId().equals(c.biomarker())).toList();
            assertThat(facts).as(c.name()).hasSize(1);
            assertThat(facts.get(0).reference()).as(c.name()).isEqualTo("DiagnosticReport/" + c.report().getIdElement().getIdPart());
            assertThat(facts.get(0).polarity()).as(c.name()).isEqualTo(c.polarity());
            assertThat(facts.get(0).problem() != null).as(c.name()).isEqualTo(c.problem());
        }
        DiagnosticReport withdrawn = report("r7", r -> r.setConclusion("ALK rearrangement detected"));
        withdrawn.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);
        assertThat(chart(List.of(), List.of(withdrawn)).biomarkers()).as("entered-in-error is ignored").isEmpty();
    }

    @Test
    void observationsWhenInAnyOrderThenOldestFirstAndEnteredInErrorIgnored() {
        Observation late = ecog("e1", "2026-11-20", "2");
        Observation early = ecog("e2", "2025-03-01", "0");
        Observation wrong = ecog("e3", "2026-12-01", "4");
        wrong.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
        List<ChartFacts.ObservationFact> facts = chart(List.of(late, wrong, early), List.of()).observations();
        assertThat(facts).extracting(ChartFacts.ObservationFact::reference).containsExactly("Observation/e2", "Observation/e1");
    }

    private static Observation ecog(String id, String date, String value) {
        Observation o = new Observation();
        o.setId("Observation/" + id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept(new Coding(LOINC, "89247-1", "ECOG")));
        o.setEffective(new DateTimeType(date));
        o.setValue(new StringType(value));
        return o;
    }

    @Test
    void resultWhenItCannotBeReadThenUnknownWithTheProblemNotACrash() {
        Observation empty = new Observation();
        empty.setId("cd22");
        empty.setStatus(Observation.ObservationStatus.FINAL);
        empty.setCode(new CodeableConcept(new Coding(LOINC, "14017-8", null)));
        empty.setValue(new Quantity()); // a quantity with no value and no unit
        List<BiomarkerFact> facts = chart(List.of(empty), List.of()).biomarkers();
        assertThat(facts).hasSize(1);
        assertThat(facts.get(0).polarity()).isEqualTo(Polarity.INDETERMINATE);
        assertThat(facts.get(0).problem()).isNotNull();
    }

    @Test
    void conditionWhenCodedOnlyInSnomedThenItsSnomedCodesAreKept() {
        Condition c = new Condition();
        c.setId("c1");
        c.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "254637007", "Non-small cell lung cancer")));
        Patient patient = new Patient();
        patient.setId("p1");
        ChartFacts facts = extractor.facts(new Chart(patient, List.of(c), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of()), null);
        assertThat(facts.conditions().get(0).snomed()).containsExactly("254637007");
        assertThat(facts.conditions().get(0).icd10()).isEmpty();
    }
}
