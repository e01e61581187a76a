package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overturn.security.SmartAccess.Reach;

class SmartAccessTest {
    private static final Set<String> SHARED = Set.of("Practitioner", "Organization");

    @Test
    void patientScopeWhenSharedTypeThenReadsAndSearchesReachAllButWritesStayInTheCompartment() {
        SmartAccess access = SmartAccess.ofToken("patient/*.cruds", "p1", "s").sharing(SHARED);
        assertThat(access.reach("Practitioner", Interaction.READ)).isEqualTo(Reach.ALL);
        assertThat(access.reach("Organization", Interaction.SEARCH)).isEqualTo(Reach.ALL);
        assertThat(access.reach("Practitioner", Interaction.CREATE)).isEqualTo(Reach.PATIENT);
        assertThat(access.reach("Observation", Interaction.READ)).isEqualTo(Reach.PATIENT);
        assertThat(access.everything()).isFalse();
    }

    @Test
    void patientScopeWhenOtherTypeOrRestrictedOrNoPatientThenNotShared() {
        assertThat(SmartAccess.ofToken("patient/Observation.rs", "p1", "s").sharing(SHARED)
                .reach("Practitioner", Interaction.READ)).isEqualTo(Reach.NONE);
        assertThat(SmartAccess.ofToken("patient/Practitioner.rs?name=x", "p1", "s").sharing(SHARED)
                .reachesAll("Practitioner", Interaction.READ)).isFalse();
        // A patient scope without a launch patient reaches nothing, shared types included.
        assertThat(SmartAccess.ofToken("patient/*.rs", null, "s").sharing(SHARED)
                .reach("Practitioner", Interaction.READ)).isEqualTo(Reach.NONE);
        assertThat(SmartAccess.ofToken("patient/Practitioner.r", "p1", "s").sharing(SHARED)
                .reach("Practitioner", Interaction.SEARCH)).isEqualTo(Reach.NONE);
    }

    @Test
    void sharedTypesWhenDefaultsThenNoneIsInThePatientCompartment() {
        var ctx = ca.uhn.fhir.context.FhirContext.forR4Cached();
        for (String type : java.util.List.of("Organization", "Practitioner", "PractitionerRole", "Location",
                "HealthcareService", "Endpoint", "Medication", "Questionnaire", "InsurancePlan")) {
            assertThat(SecurityConfig.inPatientCompartment(ctx, type)).as(type).isFalse();
        }
        for (String type : java.util.List.of("Patient", "Observation", "Claim", "DocumentReference", "Coverage")) {
            assertThat(SecurityConfig.inPatientCompartment(ctx, type)).as(type).isTrue();
        }
    }
}
