package org.overturn.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.overturn.workflow.AppealProfiles;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.cases.DeadlineExtension;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.Law;
import org.overturn.law.LawLoader;
import org.overturn.law.RegulatorKind;
import org.overturn.eligibility.EligibilityExtensions;
import org.overturn.profiles.PasProfiles;

/** What the server emits is defined in fhir-profiles, and the package is complete for the knowledge it ships with. */
class FhirPackageTest {
    private final FhirPackage fhirPackage = FhirPackage.load(FhirContext.forR4Cached());

    @Test
    void everyEmittedExtensionIsDefinedInThePackage() {
        List<String> defined = fhirPackage.resources(StructureDefinition.class).stream().map(StructureDefinition::getUrl).toList();
        assertThat(defined).contains(
                EligibilityExtensions.ASSESSMENT, EligibilityExtensions.CRITERION, EligibilityExtensions.MISSING_DOCUMENTATION,
                AppealProfiles.DEADLINE, AppealProfiles.FILING_LATE);
    }

    @Test
    void workflowDeadlineDefinesEverySubExtensionWrittenAndTheContextsItIsWrittenIn() {
        StructureDefinition sd = fhirPackage.resources(StructureDefinition.class).stream()
                .filter(d -> DeadlineExtension.URL.equals(d.getUrl())).findFirst().orElseThrow();
        Law law = LawLoader.load(KnowledgeLoader.load());
        Deadline deadline = new DeadlineCalculator(law).compute(Regime.of(RegulatorKind.CA_DMHC, "CA"),
                Instant.parse("2026-03-02T10:00:00Z"), Step.INITIAL_DECISION, Urgency.EXPEDITED).deadlines().get(0);

        Set<String> written = DeadlineExtension.of(deadline, Instant.parse("2026-03-02T10:00:00Z"), true).getExtension().stream()
                .map(Extension::getUrl).collect(Collectors.toSet());
        Set<String> defined = sd.getDifferential().getElement().stream().filter(e -> e.hasSliceName())
                .map(e -> e.getSliceName()).collect(Collectors.toSet());

        assertThat(written).contains("urgency");
        assertThat(defined).containsAll(written);
        assertThat(sd.getContext()).extracting(c -> c.getExpression())
                .contains("Task", "CoverageEligibilityResponse.insurance.item");
    }

    @Test
    void everyPaTaskCodeEmittedIsDefinedInThePackage() {
        Map<String, List<String>> codes = fhirPackage.resources(CodeSystem.class).stream().collect(Collectors.toMap(
                CodeSystem::getUrl, cs -> cs.getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode).toList()));
        assertThat(codes.get(PasProfiles.TASK_CODES)).containsExactlyInAnyOrder(
                PasProfiles.TASK_REQUEST, PasProfiles.TASK_EARLIER_REQUEST, PasProfiles.TASK_RESPONSE, PasProfiles.TASK_PAYER_ERROR);
        assertThat(codes.get(org.overturn.cases.WorkflowSteps.SYSTEM)).containsAll(org.overturn.cases.WorkflowSteps.ALL);
        assertThat(codes.get(PasProfiles.BUSINESS_STATUS)).containsExactlyInAnyOrder(
                PasProfiles.APPROVED, PasProfiles.DENIED, PasProfiles.PARTIALLY_APPROVED, PasProfiles.PENDED,
                PasProfiles.SUBMITTED, PasProfiles.ERROR, PasProfiles.CANCELLED);
        assertThat(codes.get(AppealProfiles.BUSINESS_STATUS)).containsExactlyInAnyOrder(
                AppealProfiles.UPHELD, AppealProfiles.OVERTURNED, AppealProfiles.PARTIALLY_OVERTURNED);
        assertThat(codes.get(AppealProfiles.TASK_CODES)).containsExactlyInAnyOrder(AppealProfiles.DENIAL,
                AppealProfiles.APPEAL_LETTER, AppealProfiles.PREVIOUS_APPEAL, AppealProfiles.PACKET, AppealProfiles.DECISION);
        List<String> documents = new java.util.ArrayList<>(java.util.Arrays.stream(org.overturn.letter.CaseDocuments.Kind.values())
                .map(org.overturn.letter.CaseDocuments.Kind::code).toList());
        documents.add(org.overturn.letter.CaseDocuments.CATEGORY);
        assertThat(codes.get(org.overturn.letter.CaseDocuments.SYSTEM)).containsExactlyInAnyOrderElementsOf(documents);
    }

    @Test
    void everyDrugWithAPayerPolicyHasAPaQuestionnaire() {
        for (KnowledgeModel.Policy policy : KnowledgeLoader.load().policies()) {
            assertThat(fhirPackage.paQuestionnaire(policy.drug())).as("PA Questionnaire for %s", policy.drug()).isPresent();
        }
    }

    @Test
    void packageCarriesOneCapabilityStatementNamingTheServer() {
        List<CapabilityStatement> statements = fhirPackage.resources(CapabilityStatement.class);
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).getSoftware().getName()).isEqualTo("Overturn");
    }
}
