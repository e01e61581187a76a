package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every type FHIRPath can name matches HAPI's full R4 StructureDefinition in what FHIRPath reads of it. */
class FhirPathTypesTest {
    private static FhirPathTypes types;
    private static List<StructureDefinition> full;

    @BeforeAll
    static void load() {
        FhirContext ctx = FhirContext.forR4(); // a new context: no resource model scanned before
        types = new FhirPathTypes(ctx);
        types.fetchAllStructureDefinitions();
        full = new DefaultProfileValidationSupport(ctx).<StructureDefinition>fetchAllStructureDefinitions().stream()
                .filter(sd -> sd.getKind() != StructureDefinitionKind.LOGICAL)
                .filter(sd -> sd.getUrl().equals("http://hl7.org/fhir/StructureDefinition/" + sd.getName()))
                .toList();
    }

    @Test
    void everyR4TypeWhenLookedUpThenNameKindBaseDerivationAndAbstractMatchHapisFullDefinition() {
        assertThat(full).hasSizeGreaterThan(190);
        int compared = 0;
        for (StructureDefinition reference : full) {
            StructureDefinition ours = (StructureDefinition) types.fetchStructureDefinition(reference.getUrl());
            if (ours == null && !isType(reference)) {
                continue; // profiles (vitalsigns and the like) and extensions: FHIRPath never names them
            }
            assertThat(ours).as(reference.getUrl()).isNotNull();
            assertThat(ours.getName()).as(reference.getUrl()).isEqualTo(reference.getName());
            assertThat(ours.getType()).as(reference.getUrl()).isEqualTo(reference.getType());
            assertThat(ours.getKind()).as(reference.getUrl()).isEqualTo(reference.getKind());
            assertThat(ours.getDerivation()).as(reference.getUrl()).isEqualTo(reference.getDerivation());
            assertThat(ours.getBaseDefinition()).as(reference.getUrl()).isEqualTo(reference.getBaseDefinition());
            assertThat(ours.getAbstract()).as(reference.getUrl()).isEqualTo(reference.getAbstract());
            compared++;
        }
        assertThat(compared).isGreaterThan(190);
    }

    /** R4's own code-value-date casts to DateTime: a capitalised primitive type is found as HAPI's full set finds it. */
    @Test
    void everyTypeWhenNamedWithACapitalThenFoundAsHapisFullDefinitionsFindIt() {
        DefaultProfileValidationSupport hapi = new DefaultProfileValidationSupport(FhirContext.forR4Cached());
        int capitalised = 0;
        for (StructureDefinition reference : full.stream().filter(FhirPathTypesTest::isType).toList()) {
            String name = reference.getName();
            String url = "http://hl7.org/fhir/StructureDefinition/" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            IBaseResource theirs = hapi.fetchStructureDefinition(url);
            IBaseResource ours = types.fetchStructureDefinition(url);
            assertThat(ours == null ? null : ((StructureDefinition) ours).getUrl()).as(url)
                    .isEqualTo(theirs == null ? null : ((StructureDefinition) theirs).getUrl());
            if (Character.isLowerCase(name.charAt(0)) && ours != null) {
                capitalised++;
            }
        }
        assertThat(capitalised).as("primitive types found by a capitalised name").isGreaterThan(15);
        assertThat(((StructureDefinition) types.fetchStructureDefinition("http://hl7.org/fhir/StructureDefinition/DateTime"))
                .getName()).isEqualTo("dateTime");
    }

    @Test
    void allStructureDefinitionsWhenListedThenEachIsAlsoFoundByItsUrl() {
        List<IBaseResource> all = types.fetchAllStructureDefinitions();
        assertThat(all).hasSizeGreaterThan(190);
        for (IBaseResource sd : all) {
            assertThat(types.fetchStructureDefinition(((StructureDefinition) sd).getUrl())).isSameAs(sd);
        }
    }

    /** Resources and data types; R4 also publishes profiles and extensions under the same URL pattern. */
    private static boolean isType(StructureDefinition sd) {
        return sd.getDerivation() == StructureDefinition.TypeDerivationRule.SPECIALIZATION;
    }
}
