package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.fixtures.Scenario;

/** Transaction and batch Bundles: the fixture charts load and search back; a failing entry rolls everything back. */
public interface TransactionContract extends FhirHttp {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void transactionWhenScenarioChartPostedThenEveryResourceIsSearchableByPatient(Scenario scenario) {
        Response r = post("", scenario.bundleJson());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode entries = r.json().path("entry");
        assertThat(r.json().path("type").asText()).isEqualTo("transaction-response");
        String patientId = null;
        int observations = 0;
        for (JsonNode e : entries) {
            assertThat(e.path("response").path("status").asText()).startsWith("201");
            String location = e.path("response").path("location").asText();
            if (location.startsWith("Patient/")) {
                patientId = location.split("/")[1];
            }
            if (location.startsWith("Observation/")) {
                observations++;
            }
        }
        assertThat(patientId).isNotNull();
        Response obs = get("Observation?patient=" + patientId);
        assertThat(obs.json().path("total").asInt()).isEqualTo(observations);
        // References inside the chart now point at the assigned ids.
        String firstCode = obs.json().path("entry").get(0).path("resource").path("code").path("coding").path(0).path("code").asText();
        String system = obs.json().path("entry").get(0).path("resource").path("code").path("coding").path(0).path("system").asText();
        Response byCode = get("Observation?patient=" + patientId + "&code=" + system + "|" + firstCode);
        assertThat(byCode.json().path("total").asInt()).isGreaterThanOrEqualTo(1);
        Response rx = get("MedicationRequest?patient=" + patientId + "&_include=MedicationRequest:subject");
        assertThat(rx.json().path("total").asInt()).isEqualTo(1);
        Response coverage = get("Coverage?beneficiary=Patient/" + patientId + "&_include=Coverage:payor");
        assertThat(coverage.body()).contains("Cigna");
    }

    @Test
    default void transactionWhenOneEntryIsInvalidThenNothingIsStored() {
        String mrn = unique();
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:7d8f4c52-0d7c-4c53-9a2e-1f0a3c5b6d01",
                  "resource":{"resourceType":"Patient","identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]},
                  "request":{"method":"POST","url":"Patient"}},
                 {"resource":{"resourceType":"Observation","subject":{"reference":"urn:uuid:7d8f4c52-0d7c-4c53-9a2e-1f0a3c5b6d01"}},
                  "request":{"method":"POST","url":"Observation"}}]}
                """.formatted(mrn);
        Response r = post("", bundle);
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(r.body()).contains("Observation.status").contains("Observation.code");
        assertThat(get("Patient?identifier=" + mrn).json().path("total").asInt()).isZero();
    }

    @Test
    default void transactionWhenLaterEntryFailsAtStoreThenEarlierWritesRollBack() {
        String mrn = unique();
        String existing = create("Patient", CrudContract.patient("Tx", unique()));
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"resource":{"resourceType":"Patient","identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]},
                  "request":{"method":"POST","url":"Patient"}},
                 {"resource":{"resourceType":"Patient","id":"%s","gender":"male"},
                  "request":{"method":"PUT","url":"Patient/%s","ifMatch":"W/\\"9\\""}}]}
                """.formatted(mrn, existing, existing);
        Response r = post("", bundle);
        assertThat(r.assertOutcome(412)).isEqualTo("OVT-412-VERSION");
        assertThat(r.json().path("issue").get(0).path("expression").get(0).asText()).isEqualTo("Bundle.entry[1]");
        assertThat(get("Patient?identifier=" + mrn).json().path("total").asInt()).isZero();
        assertThat(get("Patient/" + existing).json().path("meta").path("versionId").asText()).isEqualTo("1");
    }

    @Test
    default void transactionWhenConditionalCreateAndConditionalReferenceThenResolvedToExisting() {
        String mrn = unique();
        String id = create("Patient", CrudContract.patient("Cr", mrn));
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:1c5bd0a0-2f4e-4c7e-9d55-8e9a1b2c3d4e",
                  "resource":{"resourceType":"Patient","identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]},
                  "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=http://overturn.example.org/mrn|%s"}},
                 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                   "subject":{"reference":"urn:uuid:1c5bd0a0-2f4e-4c7e-9d55-8e9a1b2c3d4e"},
                   "performer":[{"reference":"Patient?identifier=http://overturn.example.org/mrn|%s"}]},
                  "request":{"method":"POST","url":"Observation"}}]}
                """.formatted(mrn, mrn, mrn);
        Response r = post("", bundle);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("entry").get(0).path("response").path("status").asText()).startsWith("200");
        Response obs = get("Observation?subject=Patient/" + id + "&performer=Patient/" + id);
        assertThat(obs.json().path("total").asInt()).isEqualTo(1);
    }

    @Test
    default void batchWhenOneEntryFailsThenOthersStillApplyAndEachHasItsStatus() {
        String mrn = unique();
        String bundle = """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"resource":{"resourceType":"Patient","identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]},
                  "request":{"method":"POST","url":"Patient"}},
                 {"request":{"method":"GET","url":"Patient/does-not-exist-%s"}},
                 {"request":{"method":"GET","url":"Patient?identifier=%s"}}]}
                """.formatted(mrn, mrn, mrn);
        Response r = post("", bundle);
        assertThat(r.status()).isEqualTo(200);
        JsonNode entries = r.json().path("entry");
        assertThat(r.json().path("type").asText()).isEqualTo("batch-response");
        assertThat(entries.get(0).path("response").path("status").asText()).startsWith("201");
        assertThat(entries.get(1).path("response").path("status").asText()).startsWith("404");
        assertThat(entries.get(1).path("response").path("outcome").path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(entries.get(2).path("resource").path("total").asInt()).isEqualTo(1);
    }

    @Test
    default void bundleWhenTypeIsNotTransactionOrBatchThen400() {
        Response r = post("", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
    }
}
