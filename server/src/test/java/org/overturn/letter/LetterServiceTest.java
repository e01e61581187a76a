package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Evaluation.CriterionResult;
import org.overturn.criteria.Evaluation.Status;
import org.overturn.evidence.Chart;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ReadOnlyStore;
import org.overturn.store.ResourceStore;

/**
 * Claim/$generate-letter: which Claims it refuses, and why, before any assessment; and the records the letter's
 * Provenance names. Writing the letter itself is LetterComposerTest's; the stored result is LetterContract's.
 */
class LetterServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    // Every refusal here comes before the assessment: assessor, composer, package and facts are never reached.
    private static LetterService service(ResourceStore store) {
        return new LetterService(store, null, null, null, null, null, CLOCK);
    }

    private static <T extends Resource> T withId(T resource, String id) {
        resource.setId(id);
        return resource;
    }

    private static CodeableConcept alectinib() {
        return new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1727455", "alectinib"));
    }

    @Test
    void generateWhenTheKindIsNotMedicalNecessityThenRefusedBeforeTheClaimIsRead() {
        OverturnException e = catchThrowableOfType(() -> service(ReadOnlyStore.of()).generate("c1", "appeal"), OverturnException.class);

        // An empty store would answer NOT_FOUND had the Claim been read first.
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("'appeal'").contains(LetterService.MEDICAL_NECESSITY);
        assertThat(e.expression()).isEqualTo("Parameters.parameter[kind]");
    }

    @Test
    void generateWhenTheClaimIsNotAUsablePaRequestThenEveryProblemIsNamedAtOnce() {
        Claim claim = withId(new Claim().setUse(Claim.Use.CLAIM).setPatient(new Reference("Group/g1")), "c1");

        OverturnException e = catchThrowableOfType(() -> service(ReadOnlyStore.of(claim)).generate("c1", LetterService.MEDICAL_NECESSITY),
                OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE);
        assertThat(e.getMessage()).startsWith("Claim/c1 cannot be used for a letter").contains("Claim.use must be preauthorization")
                .contains("Claim.patient must reference a Patient").contains("Claim.insurance[0].coverage must reference a Coverage")
                .contains("must name the requested drug");
    }

    @Test
    void generateWhenTheDrugIsOnlyOnThePrescriptionThenTheOrderNamesIt() {
        MedicationRequest order = withId(new MedicationRequest().setMedication(alectinib()), "m1");
        // Claim.use is wrong on purpose: the refusal lists every other problem and stops before the assessment.
        Claim claim = withId(new Claim().setUse(Claim.Use.CLAIM).setPatient(new Reference("Patient/p1"))
                .setPrescription(new Reference("MedicationRequest/m1")), "c1");
        claim.addInsurance().setCoverage(new Reference("Coverage/cov1"));

        OverturnException e = catchThrowableOfType(
                () -> service(ReadOnlyStore.of(claim, order)).generate("c1", LetterService.MEDICAL_NECESSITY), OverturnException.class);

        assertThat(e.getMessage()).contains("Claim.use must be preauthorization").doesNotContain("requested drug")
                .doesNotContain("Claim.patient").doesNotContain("Claim.insurance");
    }

    @Test
    void generateWhenTheOrderReferencesAMedicationThenItsCodeNamesTheDrugAndAnOrderWithoutADrugIsAProblem() {
        org.hl7.fhir.r4.model.Medication medication = withId(new org.hl7.fhir.r4.model.Medication().setCode(alectinib()), "med1");
        MedicationRequest byReference = withId(new MedicationRequest().setMedication(new Reference("Medication/med1")), "m1");
        MedicationRequest noDrug = withId(new MedicationRequest(), "m2");
        for (MedicationRequest order : List.of(byReference, noDrug)) {
            Claim claim = withId(new Claim().setUse(Claim.Use.CLAIM).setPatient(new Reference("Patient/p1"))
                    .setPrescription(new Reference("MedicationRequest/" + order.getIdElement().getIdPart())), "c1");
            claim.addInsurance().setCoverage(new Reference("Coverage/cov1"));

            OverturnException e = catchThrowableOfType(() -> service(ReadOnlyStore.of(claim, order, medication))
                    .generate("c1", LetterService.MEDICAL_NECESSITY), OverturnException.class);

            // A referenced Medication is read for its code, never a type mismatch (500); an order naming no drug
            // is one more problem with the Claim.
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE);
            if (order == byReference) {
                assertThat(e.getMessage()).doesNotContain("requested drug");
            } else {
                assertThat(e.getMessage()).contains("must name the requested drug");
            }
        }
    }

    /** Ids as the store gives them: type, id and version; the Provenance names each record versionless. */
    @Test
    void sourcesWhenAnAssessedCaseThenTheClaimPatientCoverageOrderEvidenceDiagnosesAndHistoryEachOnce() {
        Patient patient = withId(new Patient(), "Patient/p1/_history/4");
        Condition nsclc = withId(new Condition(), "Condition/c1/_history/1");
        Condition brain = withId(new Condition(), "Condition/c2/_history/1");
        MedicationStatement crizotinib = withId(new MedicationStatement(), "MedicationStatement/ms1/_history/1");
        Chart chart = new Chart(patient, List.of(nsclc, brain), List.of(), List.of(), List.of(crizotinib), List.of(), List.of(), List.of());
        Evaluation evaluation = new Evaluation("cigna-alectinib-nsclc", 1, "cigna", "alectinib", true, List.of(
                new CriterionResult("diagnosis-nsclc", "NSCLC", true, Status.MET, "C34.11", List.of("Condition/c1"), null, "policy"),
                new CriterionResult("alk-positive", "ALK+", true, Status.MET, "FISH positive", List.of("Observation/o1"), null, "policy")),
                List.of(), Evaluation.Outcome.CRITERIA_MET);
        Assessment assessment = new Assessment(Optional.empty(), Optional.empty(), Optional.of(evaluation), "", new Organization(), chart,
                withId(new Coverage(), "Coverage/cov1/_history/3"));
        MedicationRequest order = withId(new MedicationRequest(), "MedicationRequest/m1/_history/2");

        assertThat(LetterService.sources(assessment, "cl1", order)).containsExactly("Claim/cl1", "Patient/p1", "Coverage/cov1",
                "MedicationRequest/m1", "Condition/c1", "Observation/o1", "Condition/c2", "MedicationStatement/ms1");
        assertThat(LetterService.sources(new Assessment(Optional.empty(), Optional.empty(), Optional.empty(), "no policy",
                new Organization(), chart, withId(new Coverage(), "Coverage/cov1/_history/3")), "cl1", null))
                .containsExactly("Claim/cl1", "Patient/p1", "Coverage/cov1", "Condition/c1", "Condition/c2", "MedicationStatement/ms1");
    }
}
