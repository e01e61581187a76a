package org.overturn.authserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScopeGrantsTest {
    private static final List<String> REGISTERED =
            List.of("openid", "fhirUser", "launch/patient", "patient/*.rs", "user/Observation.cruds",
                    "system/Coverage.rs?status=active");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "openid, true",
        "launch/patient, true",
        "launch, false",
        "offline_access, false",
        "patient/*.rs, true",
        "patient/Observation.rs, true",
        "patient/Observation.read, true",
        "patient/Observation.r, true",
        "patient/Observation.rs?category=laboratory, true",
        "patient/Observation.cruds, false",
        "patient/Observation.write, false",
        "patient/*.*, false",
        "user/Observation.rs, true",
        "user/Observation.*, true",
        "user/Condition.rs, false",
        "system/Observation.rs, false",
        "system/Coverage.rs?status=active, true",
        "system/Coverage.rs, false",
        "system/Coverage.rs?status=cancelled, false",
        "patient/Observation.sr, false",
        "nonsense, false"
    })
    void registeredScopesCoverNarrowerOnes(String requested, boolean covered) {
        assertThat(ScopeGrants.covers(REGISTERED, requested)).isEqualTo(covered);
    }
}
