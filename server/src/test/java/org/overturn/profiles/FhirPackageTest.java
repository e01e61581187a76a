package org.overturn.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.eligibility.EligibilityExtensions;

/** What the server emits is defined in fhir-profiles, and the package is complete for the knowledge it ships with. */
class FhirPackageTest {
    private final FhirPackage fhirPackage = FhirPackage.load(FhirContext.forR4Cached());

    @Test
    void everyEmittedExtensionIsDefinedInThePackage() {
        List<String> defined = fhirPackage.resources(StructureDefinition.class).stream().map(StructureDefinition::getUrl).toList();
        assertThat(defined).contains(
                EligibilityExtensions.ASSESSMENT, EligibilityExtensions.CRITERION, EligibilityExtensions.MISSING_DOCUMENTATION);
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
