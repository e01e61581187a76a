package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overturn.security.SmartAccess.Reach;

class SmartScopeTest {

    @Test
    void parseWhenV1ThenReadIsRsWriteIsCudStarIsAll() {
        assertThat(SmartScope.parse("patient/Observation.read")).get().extracting(SmartScope::interactions)
                .isEqualTo(Set.of(Interaction.READ, Interaction.SEARCH));
        assertThat(SmartScope.parse("system/*.write")).get().extracting(SmartScope::interactions)
                .isEqualTo(Set.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE));
        assertThat(SmartScope.parse("user/*.*")).get().extracting(SmartScope::interactions)
                .isEqualTo(EnumSet.allOf(Interaction.class));
    }

    @Test
    void parseWhenV2ThenLettersInOrderOnly() {
        assertThat(SmartScope.parse("patient/Observation.rs")).get().extracting(SmartScope::interactions)
                .isEqualTo(Set.of(Interaction.READ, Interaction.SEARCH));
        assertThat(SmartScope.parse("user/*.cruds")).get().extracting(SmartScope::interactions)
                .isEqualTo(EnumSet.allOf(Interaction.class));
        assertThat(SmartScope.parse("user/Observation.sr")).isEmpty();
        assertThat(SmartScope.parse("user/Observation.rr")).isEmpty();
        assertThat(SmartScope.parse("user/Observation.x")).isEmpty();
    }

    @Test
    void parseWhenRestrictedThenReadAndSearchOfOneTypeOnly() {
        assertThat(SmartScope.parse("patient/Observation.rs?category=laboratory").map(SmartScope::restriction))
                .contains("category=laboratory");
        assertThat(SmartScope.parse("patient/Observation.cruds?category=laboratory")).as("no restricted writes").isEmpty();
        assertThat(SmartScope.parse("patient/*.rs?category=laboratory")).as("no restricted wildcard").isEmpty();
        assertThat(SmartScope.parse("patient/Observation.rs?")).isEmpty();
    }

    @Test
    void restrictionsWhenAnUnrestrictedScopeAlsoGrantsThenNone() {
        SmartAccess restricted = SmartAccess.ofToken("system/Observation.rs?category=laboratory", null, "s");
        assertThat(restricted.reach("Observation", Interaction.SEARCH)).isEqualTo(Reach.ALL);
        assertThat(restricted.restrictions("Observation", Interaction.SEARCH)).containsExactly("category=laboratory");
        assertThat(restricted.reachesAll("Observation", Interaction.SEARCH)).isFalse();
        SmartAccess both = SmartAccess.ofToken("system/Observation.rs?category=laboratory patient/Observation.rs", "p1", "s");
        assertThat(both.restrictions("Observation", Interaction.READ)).isEmpty();
        assertThat(both.reach("Observation", Interaction.READ)).isEqualTo(Reach.PATIENT);
    }

    @Test
    void parseWhenNotClinicalThenNothing() {
        assertThat(SmartScope.parse("openid")).isEmpty();
        assertThat(SmartScope.parse("launch/patient")).isEmpty();
        assertThat(SmartScope.parse("patient/observation.read")).isEmpty();
    }

    @Test
    void reachWhenPatientScopeThenCompartmentOnlyAndNothingWithoutPatient() {
        SmartAccess patient = SmartAccess.ofToken("launch openid patient/Observation.rs", "p1", "s");
        assertThat(patient.reach("Observation", Interaction.READ)).isEqualTo(Reach.PATIENT);
        assertThat(patient.reach("Observation", Interaction.CREATE)).isEqualTo(Reach.NONE);
        assertThat(patient.reach("Patient", Interaction.READ)).isEqualTo(Reach.NONE);
        assertThat(SmartAccess.ofToken("patient/*.read", null, "s").reach("Observation", Interaction.READ))
                .isEqualTo(Reach.NONE);
        SmartAccess both = SmartAccess.ofToken("patient/*.read user/Observation.read", "p1", "s");
        assertThat(both.reach("Observation", Interaction.READ)).isEqualTo(Reach.ALL);
        assertThat(both.reach("Condition", Interaction.READ)).isEqualTo(Reach.PATIENT);
    }

    @Test
    void everythingWhenUserStarStarThenTrueElseFalse() {
        assertThat(SmartAccess.ofToken("user/*.*", null, "s").everything()).isTrue();
        assertThat(SmartAccess.ofToken("system/*.cruds", null, "s").everything()).isTrue();
        assertThat(SmartAccess.ofToken("user/*.read", null, "s").everything()).isFalse();
        assertThat(SmartAccess.ofToken("patient/*.*", "p1", "s").everything()).isFalse();
        assertThat(SmartAccess.development().everything()).isTrue();
    }
}
