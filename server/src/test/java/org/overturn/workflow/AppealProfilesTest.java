package org.overturn.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** Every feature reads a step's decision the same way: the appeal itself, the external review, the patient summary. */
class AppealProfilesTest {

    @Test
    void businessStatusWhenCodedOrTextOnlyThenTheCodeIsPreferredAndTextStillCounts() {
        Task coded = new Task().setBusinessStatus(new CodeableConcept(new Coding(AppealProfiles.BUSINESS_STATUS, "upheld", null))
                .setText("Overturned"));
        Task textOnly = new Task().setBusinessStatus(new CodeableConcept().setText(" Overturned "));
        Task otherSystem = new Task().setBusinessStatus(new CodeableConcept(new Coding("http://example.org/status", "x", null)));

        assertThat(AppealProfiles.businessStatus(coded)).isEqualTo("upheld");
        assertThat(AppealProfiles.businessStatus(textOnly)).isEqualTo("overturned");
        assertThat(AppealProfiles.businessStatus(otherSystem)).isNull();
        assertThat(AppealProfiles.businessStatus(new Task())).isNull();
    }
}
