package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.fixtures.Scenario;

/**
 * {@code [type]/$validate} (FHIR R4 Resource-validate): 200 with an OperationOutcome whether the resource is valid or
 * not; 4xx only when the validation itself cannot be done; nothing stored.
 */
public interface ValidateContract extends FhirHttp {

    @Test
    default void validateWhenResourceValidThenOkWithoutErrors() {
        Response r = post("Patient/$validate", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Valid\"}],"
                + "\"gender\":\"female\",\"birthDate\":\"1970-01-01\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(severities(r.json())).doesNotContain("error", "fatal");
    }

    @Test
    default void validateWhenResourceBreaksR4ThenOkWithErrorsNamingTheElement() {
        // Observation.status and .code are required (1..1); gender is a required binding.
        Response obs = post("Observation/$validate", "{\"resourceType\":\"Observation\",\"valueString\":\"x\"}");
        assertThat(obs.status()).as(obs.body()).isEqualTo(200);
        assertThat(severities(obs.json())).contains("error");
        assertThat(obs.body()).contains("Observation.status").contains("Observation.code");
        // A code outside a required value set (Condition.clinicalStatus).
        Response condition = post("Condition/$validate", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":"
                + "\"Patient/p\"},\"clinicalStatus\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"banana\"}]}}");
        assertThat(condition.status()).as(condition.body()).isEqualTo(200);
        assertThat(severities(condition.json())).contains("error");
        assertThat(condition.body()).contains("banana");
        // Nothing was stored.
        assertThat(get("Observation?value-string=x&_count=1").json().path("total").asInt(-1)).isIn(0, -1);
    }

    @Test
    default void validateWhenProfileOfThePackageThenCheckedAgainstIt() {
        // The coverage-situs extension of Overturn's package takes a code; a string breaks it.
        String coverage = "{\"resourceType\":\"Coverage\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"Patient/p\"},"
                + "\"payor\":[{\"reference\":\"Organization/o\"}],\"extension\":[{\"url\":"
                + "\"http://overturn.example.org/fhir/StructureDefinition/coverage-situs\",\"valueBoolean\":true}]}";
        Response r = post("Coverage/$validate", coverage);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(severities(r.json())).contains("error");
    }

    @Test
    default void validateWhenCannotBeDoneThenClientError() {
        // Not FHIR at all, or a code HAPI's model cannot even hold: nothing to validate, said why.
        assertThat(post("Patient/$validate", "{\"resourceType\":\"Patient\",\"gender\":\"banana\"}").assertOutcome(400))
                .isEqualTo("OVT-400-REQUEST");
        post("Patient/$validate", "{\"resourceType\":\"Observation\",\"status\":\"final\"}").assertOutcome(400);
        Response unknown = post("Patient/$validate?profile=http://example.org/no-such-profile",
                "{\"resourceType\":\"Patient\"}");
        assertThat(unknown.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(unknown.body()).contains("no-such-profile");
    }

    @Test
    default void validateWhenInstanceThenTheStoredResourceMustExistAndAnUpdateMustNameIt() {
        String id = "val-" + unique();
        assertThat(put("Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Stored\"}]}")
                .status()).isIn(200, 201);

        Response same = post("Patient/" + id + "/$validate?mode=update",
                "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Renamed\"}]}");
        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(severities(same.json())).doesNotContain("error", "fatal");

        Response other = post("Patient/" + id + "/$validate?mode=update",
                "{\"resourceType\":\"Patient\",\"id\":\"someone-else\",\"name\":[{\"family\":\"Renamed\"}]}");
        assertThat(other.status()).as(other.body()).isEqualTo(200);
        assertThat(severities(other.json())).contains("error");
        assertThat(other.body()).contains("someone-else").contains("Patient.id");

        post("Patient/no-such-" + unique() + "/$validate", "{\"resourceType\":\"Patient\"}").assertOutcome(404);
        // Nothing was stored by validating: the stored name is unchanged.
        assertThat(get("Patient/" + id).body()).contains("Stored").doesNotContain("Renamed");
    }

    @Test
    default void validateWhenModeDeleteThenAnsweredForAnInstanceAndRefusedForAType() {
        String id = "val-del-" + unique();
        assertThat(put("Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").status()).isIn(200, 201);
        Response r = post("Patient/" + id + "/$validate?mode=delete", "{\"resourceType\":\"Parameters\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(severities(r.json())).doesNotContain("error", "fatal");
        assertThat(get("Patient/" + id).status()).isEqualTo(200);
        assertThat(post("Patient/$validate?mode=delete", "{\"resourceType\":\"Patient\"}").assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
    }

    /** Every resource of every fixture chart is valid R4: what clients are shown as examples must be. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void validateWhenFixtureResourcesThenNoErrors(Scenario scenario) throws Exception {
        JsonNode bundle = JSON.readTree(scenario.bundleJson());
        List<String> errors = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            Response r = post(resource.path("resourceType").asText() + "/$validate", resource.toString());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode issue : r.json().path("issue")) {
                if (issue.path("severity").asText().matches("error|fatal")) {
                    errors.add(resource.path("resourceType").asText() + ": " + issue.path("diagnostics").asText());
                }
            }
        }
        assertThat(errors).as("errors in %s", scenario).isEmpty();
    }

    private static List<String> severities(JsonNode outcome) {
        List<String> out = new ArrayList<>();
        outcome.path("issue").forEach(i -> out.add(i.path("severity").asText()));
        return out;
    }
}
