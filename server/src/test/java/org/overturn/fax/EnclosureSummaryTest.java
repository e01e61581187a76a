package org.overturn.fax;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.overturn.fax.EnclosureSummary.Line;
import org.overturn.fax.EnclosureSummary.Summary;
import org.overturn.fixtures.Chart;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;

/** A chart record as the payer reads it on the fax: the fields the record states, never our ids, its PDF as received. */
class EnclosureSummaryTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();

    /** The resources of one type in a fixture Bundle, each with the id its fullUrl ends with. */
    private static <T extends Resource> List<T> resources(String bundleJson, Class<T> type) {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, bundleJson);
        return bundle.getEntry().stream().filter(e -> type.isInstance(e.getResource())).map(e -> {
            T r = type.cast(e.getResource());
            r.setId(e.getFullUrl().substring(e.getFullUrl().lastIndexOf(':') + 1));
            return r;
        }).toList();
    }

    @Test
    void ofWhenALabResultNamesItsLabThenTheSummaryNamesTheAssayTheLabTheDateAndTheResult() {
        Observation fish = resources(new Chart("alk-disagreeing-methods").bundleJson(), Observation.class).stream()
                .filter(o -> o.getPerformer().stream().anyMatch(p -> "Harbor Molecular Pathology".equals(p.getDisplay())))
                .findFirst().orElseThrow();

        Summary s = EnclosureSummary.of(fish);

        assertThat(s.reference()).isEqualTo("Observation/" + fish.getIdElement().getIdPart());
        // No code text on this result: the assay is named by its LOINC display.
        assertThat(s.title()).isEqualTo("Observation: ALK [Presence] in Tissue by FISH");
        assertThat(s.lines()).contains(new Line("Status", "final"), new Line("Effective", "2025-02-03"), new Line("Result", "Positive"),
                new Line("Interpretation", "POS"), new Line("Method", "FISH"), new Line("Performer", "Harbor Molecular Pathology"));
        assertThat(s.pdfs()).isEmpty();
    }

    @Test
    void ofWhenAResultHasComponentsAndNotesThenEachIsALineWithItsUnit() {
        Observation alk = resources(Scenarios.ALECTINIB_CA.bundleJson(), Observation.class).stream()
                .filter(o -> o.getCode().hasCoding("http://loinc.org", "76042-8")).findFirst().orElseThrow();

        Summary s = EnclosureSummary.of(alk);

        assertThat(s.title()).as("the chart's own words come before the code's display")
                .isEqualTo("Observation: ALK rearrangement by FISH (tumor tissue)");
        assertThat(s.lines()).contains(new Line("Tumor nuclei with ALK break-apart signal pattern", "38 %"),
                new Line("Method", "FISH, ALK break-apart probe (Vysis ALK Break Apart FISH)"));
        assertThat(s.lines()).anySatisfy(l -> {
            assertThat(l.label()).isEqualTo("Note");
            assertThat(l.value()).contains("at least 15% of scored tumor nuclei");
        });
    }

    @Test
    void ofWhenAReferenceHasNoDisplayThenNoResourceIdReachesThePayer() {
        Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept().setText("NTRK fusion panel"));
        o.setId("o7");
        o.addPerformer(new Reference("Organization/lab-7"));
        o.addPerformer(new Reference("Organization/lab-8").setDisplay("Northfield Reference Laboratory"));

        Summary s = EnclosureSummary.of(o);

        assertThat(s.lines()).filteredOn(l -> l.label().equals("Performer")).extracting(Line::value)
                .containsExactly("Northfield Reference Laboratory");
        assertThat(s.lines()).extracting(Line::value).noneMatch(v -> v.contains("lab-7"));
    }

    @Test
    void ofWhenAReportCarriesAPdfThenItFollowsAsReceivedAndAnyOtherFormIsToBeSentSeparately() {
        byte[] pdf = "%PDF-1.4 synthetic report".getBytes(StandardCharsets.US_ASCII);
        DiagnosticReport report = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
                .setCode(new CodeableConcept().setText("Tumor genomic profile"));
        report.setId("dr1");
        report.setConclusion("ETV6-NTRK3 fusion detected");
        report.addPresentedForm(new Attachment().setContentType("application/pdf").setTitle("Genomic profile report").setData(pdf));
        report.addPresentedForm(new Attachment().setContentType("text/html").setUrl("https://lab.example.org/reports/77"));

        Summary s = EnclosureSummary.of(report);

        assertThat(s.title()).isEqualTo("Report: Tumor genomic profile");
        assertThat(s.pdfs()).singleElement().isEqualTo(pdf);
        assertThat(s.lines()).contains(new Line("Conclusion", "ETV6-NTRK3 fusion detected"),
                new Line("Attached", "Genomic profile report (follows as it was received)"));
        assertThat(s.lines()).filteredOn(l -> l.label().equals("Not attached")).singleElement()
                .satisfies(l -> assertThat(l.value()).contains("text/html").contains("https://lab.example.org/reports/77")
                        .contains("send it separately"));
    }

    @Test
    void ofWhenAReportIsOnlyPlainTextThenNothingIsAttachedAndTheSenderIsTold() {
        DiagnosticReport report = resources(new Chart("ntrk-presented-form-only").bundleJson(), DiagnosticReport.class).get(0);

        Summary s = EnclosureSummary.of(report);

        assertThat(s.pdfs()).isEmpty();
        assertThat(s.lines()).contains(new Line("Performer", "Cascade Genomics Laboratory"), new Line("Effective", "2025-07-08"));
        assertThat(s.lines()).filteredOn(l -> l.label().equals("Not attached")).singleElement()
                .satisfies(l -> assertThat(l.value()).contains("text/plain").contains("send it separately"));
    }

    @Test
    void ofWhenADiagnosisOrAMedicationHistoryThenItsCodesWithTheirSystemsItsStageAndWhyTheDrugStopped() {
        String bundle = Scenarios.ALECTINIB_CA.bundleJson();
        Condition nsclc = resources(bundle, Condition.class).stream()
                .filter(c -> c.getCode().hasCoding("http://hl7.org/fhir/sid/icd-10-cm", "C34.11")).findFirst().orElseThrow();
        MedicationStatement crizotinib = resources(bundle, MedicationStatement.class).get(0);

        Summary diagnosis = EnclosureSummary.of(nsclc);
        assertThat(diagnosis.title()).startsWith("Diagnosis: Adenocarcinoma of right upper lobe");
        assertThat(diagnosis.lines()).contains(new Line("Clinical status", "Active"), new Line("Onset", "2025-01-21"),
                new Line("Stage", "Stage IV (metastatic) at diagnosis"));
        assertThat(diagnosis.lines()).filteredOn(l -> l.label().equals("Codes")).singleElement().satisfies(l -> assertThat(l.value())
                .contains("C34.11 Malignant neoplasm of upper lobe, right bronchus or lung (http://hl7.org/fhir/sid/icd-10-cm)")
                .contains("254637007 Non-small cell lung cancer (http://snomed.info/sct)"));

        Summary history = EnclosureSummary.of(crizotinib);
        assertThat(history.title()).isEqualTo("Medication history: crizotinib (Xalkori) 250 mg capsule");
        assertThat(history.lines()).contains(new Line("Status", "stopped"), new Line("Taken", "2025-02-20 to 2025-11-10"),
                new Line("Dosage", "250 mg by mouth twice daily"));
        assertThat(history.lines()).filteredOn(l -> l.label().equals("Reason stopped or changed")).singleElement()
                .satisfies(l -> assertThat(l.value()).startsWith("Disease progression"));
    }

    @Test
    void ofWhenThePayersDecisionThenItsOutcomeAuthorizationNumberAndEachReasonWithItsCode() {
        ClaimResponse decision = new ClaimResponse().setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE)
                .setDisposition("Denied after clinical review").setPreAuthRef("AUTH-0042");
        decision.setId("cr1");
        decision.setCreatedElement(new DateTimeType("2026-02-03"));
        decision.addItem().setItemSequence(2).addAdjudication()
                .setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)))
                .setReason(new CodeableConcept(new Coding(PasProfiles.CARC, "50", "Not deemed a medical necessity")));
        decision.addProcessNote().setNumber(1).setText("Send the ALK test report");

        Summary s = EnclosureSummary.of(decision);

        assertThat(s.title()).isEqualTo("The payer's decision");
        assertThat(s.lines()).contains(new Line("Created", "2026-02-03"), new Line("Outcome", "complete"),
                new Line("Disposition", "Denied after clinical review"), new Line("Authorization number", "AUTH-0042"),
                new Line("Item 2 reason", "Not deemed a medical necessity (code 50)"), new Line("Note", "Send the ALK test report"));
    }

    @Test
    void ofWhenTheRecordStatesNothingReadableThenItSaysWhichRecordItIs() {
        Procedure empty = new Procedure();
        empty.setId("pr9");

        assertThat(EnclosureSummary.of(empty).lines()).containsExactly(new Line("Record", "no readable fields; see Procedure/pr9"));
    }

    @Test
    void valueWhenAnOpenPeriodABooleanOrNothingThenInWordsOrNull() {
        assertThat(EnclosureSummary.value(new Period().setStartElement(new DateTimeType("2025-03-01")))).isEqualTo("2025-03-01 to ongoing");
        assertThat(EnclosureSummary.value(new BooleanType(false))).isEqualTo("no");
        assertThat(EnclosureSummary.value(new BooleanType(true))).isEqualTo("yes");
        assertThat(EnclosureSummary.value(null)).isNull();
        assertThat(EnclosureSummary.value(new CodeableConcept())).as("an empty value is no line, not a blank one").isNull();
    }

    @Test
    void valueWhenAComparatorACodingARangeOrARatioOrNoNumberThenSaidAsAReaderWritesIt() {
        org.hl7.fhir.r4.model.Quantity below = new org.hl7.fhir.r4.model.Quantity().setValue(0.5).setUnit("ng/mL")
                .setComparator(org.hl7.fhir.r4.model.Quantity.QuantityComparator.LESS_THAN);
        assertThat(EnclosureSummary.value(below)).as("the comparator changes what the result says").isEqualTo("<0.5 ng/mL");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Quantity().setUnit("mg")))
                .as("a unit without a number does not fail the packet").isEqualTo("value not given mg");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "10828004", "Positive")))
                .isEqualTo("Positive");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Range()
                .setLow(new org.hl7.fhir.r4.model.Quantity().setValue(10).setUnit("mg"))
                .setHigh(new org.hl7.fhir.r4.model.Quantity().setValue(20).setUnit("mg")))).isEqualTo("10 mg to 20 mg");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Range()
                .setLow(new org.hl7.fhir.r4.model.Quantity().setValue(50).setUnit("%")))).isEqualTo("at least 50 %");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Ratio()
                .setNumerator(new org.hl7.fhir.r4.model.Quantity().setValue(1))
                .setDenominator(new org.hl7.fhir.r4.model.Quantity().setValue(40)))).isEqualTo("1 : 40");
        assertThat(EnclosureSummary.value(new org.hl7.fhir.r4.model.Attachment().setTitle("scan")))
                .as("never a FHIR type name").isEqualTo("see the enclosed record");
    }
}
