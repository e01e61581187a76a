package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.overturn.fixtures.Scenario;
import org.overturn.profiles.PasProfiles;

/** PAS requests built from the scenario charts, sent over HTTP, and the parts of the answers tests look at. */
public interface PasHttp extends FhirHttp {

    List<String> STORED_TYPES = List.of("Claim", "ClaimResponse", "Task", "Patient", "MedicationRequest");

    default Bundle pasRequest(Scenario scenario, String variant) {
        String chart = variant == null ? scenario.bundleJson() : scenario.resource("variants/" + variant + "/bundle.json");
        return PasBundles.request(chart, "MB-" + unique(), "PA-" + unique());
    }

    default Response submit(Bundle request) {
        return post("Claim/$submit", PasBundles.json(request));
    }

    /** The first item's review action code and its adjudication, from a PAS response Bundle. */
    default JsonNode adjudication(JsonNode responseBundle) {
        return responseBundle.path("entry").get(0).path("resource").path("item").get(0).path("adjudication").get(0);
    }

    default String reviewAction(JsonNode adjudication) {
        for (JsonNode e : adjudication.path("extension")) {
            if (e.path("url").asText().equals(PasProfiles.REVIEW_ACTION)) {
                for (JsonNode sub : e.path("extension")) {
                    if (sub.path("url").asText().equals(PasProfiles.REVIEW_ACTION_CODE)) {
                        JsonNode coding = sub.path("valueCodeableConcept").path("coding").get(0);
                        assertThat(coding.path("system").asText()).isEqualTo(PasProfiles.X12_306);
                        return coding.path("code").asText();
                    }
                }
            }
        }
        return "";
    }

    /** Each item's sequence and review action code, in the order of the response's items. */
    default Map<Integer, String> reviewActions(JsonNode responseBundle) {
        Map<Integer, String> actions = new LinkedHashMap<>();
        for (JsonNode item : responseBundle.path("entry").get(0).path("resource").path("item")) {
            actions.put(item.path("itemSequence").asInt(), reviewAction(item.path("adjudication").get(0)));
        }
        return actions;
    }

    /** The PA Task whose focus is the Claim of a PAS response Bundle. */
    default JsonNode task(JsonNode responseBundle) {
        String claim = responseBundle.path("entry").get(0).path("resource").path("request").path("reference").asText();
        JsonNode tasks = get("Task?focus=" + claim).json();
        assertThat(tasks.path("entry").size()).as("one PA Task for %s", claim).isEqualTo(1);
        return tasks.path("entry").get(0).path("resource");
    }

    default Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String type : STORED_TYPES) {
            counts.put(type, get(type + "?_summary=count").json().path("total").asInt());
        }
        return counts;
    }
}
