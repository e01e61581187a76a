package org.overturn.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevelopmentUsersTest {
    private static final String BASE = "http://127.0.0.1:8080/fhir";

    @Test
    void fhirUserWhenConfiguredRelativeThenTheAbsoluteUrlOnThisServer() {
        DevelopmentUsers users = new DevelopmentUsers(List.of(
                new AuthServerProperties.User("dev-clinician", "Practitioner/dev-clinician"),
                new AuthServerProperties.User("dev-patient", "Patient/p-1"),
                new AuthServerProperties.User("nobody", null)), BASE + "/");
        assertThat(users.fhirUser("dev-clinician")).hasValue(BASE + "/Practitioner/dev-clinician");
        assertThat(users.fhirUser("dev-patient")).hasValue(BASE + "/Patient/p-1");
        assertThat(users.fhirUser("nobody")).isEmpty();
        assertThat(users.fhirUser("stranger")).isEmpty();
    }

    @Test
    void fhirUserWhenAbsoluteThenKeptAsConfigured() {
        DevelopmentUsers users = new DevelopmentUsers(List.of(
                new AuthServerProperties.User("here", BASE + "/Practitioner/here"),
                new AuthServerProperties.User("elsewhere", "https://ehr.example/fhir/Practitioner/7")), BASE);
        assertThat(users.fhirUser("here")).hasValue(BASE + "/Practitioner/here");
        assertThat(users.fhirUser("elsewhere")).hasValue("https://ehr.example/fhir/Practitioner/7");
    }

    @Test
    void fhirUserWhenNotAPractitionerOrPatientReferenceOrNoBaseUrlThenStartRefused() {
        for (String wrong : List.of("dev-clinician", "Organization/o-1", "Practitioner/", "Practitioner/a/b",
                "Practitioner/has space")) {
            assertThatThrownBy(() -> new DevelopmentUsers(List.of(new AuthServerProperties.User("u", wrong)), BASE))
                    .as(wrong)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("fhir-user " + wrong);
        }
        assertThatThrownBy(() -> new DevelopmentUsers(
                        List.of(new AuthServerProperties.User("u", "Practitioner/p-1")), ""))
                .hasMessageContaining("overturn.fhir.base-url");
    }
}
