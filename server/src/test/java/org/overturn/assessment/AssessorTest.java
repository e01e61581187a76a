package org.overturn.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.CriteriaEvaluator;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.PayerDirectory;
import org.overturn.evidence.Chart;
import org.overturn.evidence.FactExtractor;

/** An assessment from a chart in hand (a CDS prefetch): payer, drug and policy recognised, or the reason why not. */
class AssessorTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final DrugCatalog DRUGS = new DrugCatalog(KNOWLEDGE);
    // Charts in hand need neither the store nor a chart source.
    private final Assessor assessor = new Assessor(null, KNOWLEDGE, new PayerDirectory(KNOWLEDGE), DRUGS, null,
            new FactExtractor(KNOWLEDGE, DRUGS), new CriteriaEvaluator(KNOWLEDGE),
            Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC));

    private static final CodeableConcept ALECENSA = new CodeableConcept().setText("Alecensa 150 mg capsule");

    private static Organization payer(String name, String id) {
        Organization org = new Organization().setName(name);
        org.addIdentifier(new Identifier().setSystem("http://overturn.example.org/payer-id").setValue(id));
        return org;
    }

    private static Chart chart() {
        Patient patient = new Patient();
        patient.setId("p1");
        Condition nsclc = new Condition().setSubject(new Reference("Patient/p1"))
                .setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "C34.90", "NSCLC")));
        nsclc.setId("c1");
        Observation alk = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/p1"))
                .setCode(new CodeableConcept(new Coding("http://loinc.org", "76042-8", "ALK FISH")))
                .setInterpretation(List.of(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "POS", "Positive"))));
        alk.setId("o1");
        return new Chart(patient, List.of(nsclc), List.of(alk), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void assessWhenThePayerIsKnownAndTheDrugHasAPolicyThenThatPolicyIsEvaluatedOnTheChart() {
        Assessment a = assessor.assess(chart(), new Coverage(), payer("Cigna Healthcare", "cigna"), ALECENSA);

        assertThat(a.payer()).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo("cigna"));
        assertThat(a.drug()).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo("alectinib"));
        assertThat(a.evaluation()).hasValueSatisfying(e -> {
            assertThat(e.policyId()).isEqualTo("cigna-alectinib-nsclc");
            assertThat(e.results()).filteredOn(r -> r.id().equals("alk-positive"))
                    .singleElement().extracting(Evaluation.CriterionResult::status).isEqualTo(Evaluation.Status.MET);
        });
        assertThat(a.reason()).isEmpty();
    }

    @Test
    void assessWhenThePayerIsUnknownThenNoOtherPayersRulesAreApplied() {
        Assessment a = assessor.assess(chart(), new Coverage(), payer("Acme Health Plan", "acme"), ALECENSA);

        assertThat(a.payer()).isEmpty();
        assertThat(a.evaluation()).isEmpty();
        assertThat(a.reason()).contains("Acme Health Plan").contains("not one Overturn has rules for");
    }

    @Test
    void assessWhenTheProductIsNoDrugOverturnKnowsThenTheReasonNamesIt() {
        Assessment a = assessor.assess(chart(), new Coverage(), payer("Cigna Healthcare", "cigna"),
                new CodeableConcept().setText("Atorvastatin 20 mg tablet"));

        assertThat(a.drug()).isEmpty();
        assertThat(a.evaluation()).isEmpty();
        assertThat(a.reason()).contains("Atorvastatin 20 mg tablet");
    }
}
