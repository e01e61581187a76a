package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Validation on write, per type: Observation rejected when it breaks an R4 invariant (422 with the validator's
 * OperationOutcome, nothing stored, in a transaction nothing of it), Patient only warned about (stored), every other
 * type not validated (the default).
 */
class WriteValidationIT extends ServerTest {

    @DynamicPropertySource
    static void validateOnWrite(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-write-validation-it-")::toString);
        registry.add("overturn.fhir.validate-on-write.types.Observation", () -> "reject");
        registry.add("overturn.fhir.validate-on-write.types.Patient", () -> "warn");
    }

    /** obs-6: dataAbsentReason only when there is no value; this one has both. */
    private String invalidObservation(String marker) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"" + marker + "\"},"
                + "\"valueString\":\"x\",\"dataAbsentReason\":{\"text\":\"not asked\"}}";
    }

    @Test
    void observationWhenItBreaksAnInvariantThen422WithTheIssuesAndNothingStored() {
        String marker = "wv-" + unique();
        Response r = post("Observation", invalidObservation(marker));
        assertThat(r.assertOutcome(422)).isNotBlank();
        assertThat(r.body()).contains("obs-6");
        assertThat(get("Observation?code:text=" + marker + "&_summary=count").json().path("total").asInt()).isZero();

        Response valid = post("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\""
                + marker + "\"},\"valueString\":\"x\"}");
        assertThat(valid.status()).as(valid.body()).isEqualTo(201);
    }

    @Test
    void transactionWhenOneEntryBreaksAnInvariantThen422NamingTheEntryAndNothingStored() {
        String marker = "wv-" + unique();
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + marker + "\"}]},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
                + "{\"resource\":" + invalidObservation(marker) + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
        Response r = post("", bundle);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("Bundle.entry[1]").contains("obs-6");
        assertThat(get("Patient?family=" + marker + "&_summary=count").json().path("total").asInt()).isZero();
    }

    @Test
    void patientWhenWarnedAndConditionWhenNotValidatedThenStored() {
        // pat-1: a contact needs details or an organization; Patient is only warned about.
        Response patient = post("Patient", "{\"resourceType\":\"Patient\",\"contact\":[{\"gender\":\"female\"}]}");
        assertThat(patient.status()).as(patient.body()).isEqualTo(201);
        // con-4 (abatement only when the condition is resolved or inactive), which $validate reports, is not checked
        // on write: Condition is off.
        String abated = "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/"
                + patient.json().path("id").asText() + "\"},\"clinicalStatus\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                + "\"abatementString\":\"resolved in 2020\"}";
        assertThat(post("Condition/$validate", abated).body()).contains("con-4");
        Response condition = post("Condition", abated);
        assertThat(condition.status()).as(condition.body()).isEqualTo(201);
    }
}
