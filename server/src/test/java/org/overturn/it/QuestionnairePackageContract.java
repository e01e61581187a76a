package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;

/**
 * Da Vinci DTR 2.0 {@code Questionnaire/$questionnaire-package}, which a DTR app calls first: for the coverage and the
 * order (or the Questionnaire named), the Questionnaire to complete, in a package Bundle inside Parameters.
 */
public interface QuestionnairePackageContract extends EligibilityContract {

    private ObjectNode input(Map<String, String> ids) {
        ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode list = parameters.putArray("parameter");
        list.addObject().put("name", "coverage").set("resource", get("Coverage/" + ids.get("Coverage")).json());
        return parameters;
    }

    @Test
    default void questionnairePackageWhenOrderIsAKnownDrugThenItsPaQuestionnaireInAPackageBundle() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        ObjectNode parameters = input(ids);
        ((ArrayNode) parameters.path("parameter")).addObject().put("name", "order")
                .set("resource", get("MedicationRequest/" + ids.get("MedicationRequest")).json());

        Response r = post("Questionnaire/$questionnaire-package", parameters.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode out = r.json();
        assertThat(out.path("resourceType").asText()).isEqualTo("Parameters");
        JsonNode pkg = out.path("parameter").get(0);
        assertThat(pkg.path("name").asText()).isEqualTo("PackageBundle");
        assertThat(pkg.path("resource").path("type").asText()).isEqualTo("collection");
        JsonNode questionnaire = pkg.path("resource").path("entry").get(0).path("resource");
        assertThat(questionnaire.path("resourceType").asText()).isEqualTo("Questionnaire");
        assertThat(questionnaire.path("url").asText()).endsWith("/Questionnaire/pa-alectinib");
        assertThat(get("metadata").body()).as("declared with DTR's definition")
                .contains("http://hl7.org/fhir/us/davinci-dtr/OperationDefinition/questionnaire-package");
    }

    @Test
    default void questionnairePackageWhenAskedByCanonicalThenThatQuestionnaire() {
        Map<String, String> ids = load(Scenarios.LAROTRECTINIB_CA.bundleJson());
        ObjectNode parameters = input(ids);
        ((ArrayNode) parameters.path("parameter")).addObject().put("name", "questionnaire")
                .put("valueCanonical", "http://overturn.example.org/fhir/Questionnaire/pa-larotrectinib");
        Response r = post("Questionnaire/$questionnaire-package", parameters.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("parameter").get(0).path("resource").path("entry").get(0).path("resource").path("url").asText())
                .isEqualTo("http://overturn.example.org/fhir/Questionnaire/pa-larotrectinib");
    }

    @Test
    default void questionnairePackageWhenNothingToPackageOrNoOrderThenAnOutcomeSaysWhy() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        ObjectNode unknown = input(ids);
        ((ArrayNode) unknown.path("parameter")).addObject().put("name", "questionnaire")
                .put("valueCanonical", "http://overturn.example.org/fhir/Questionnaire/no-such");
        Response r = post("Questionnaire/$questionnaire-package", unknown.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode first = r.json().path("parameter").get(0);
        assertThat(first.path("name").asText()).isEqualTo("operationOutcome");
        assertThat(first.path("resource").path("issue").get(0).path("diagnostics").asText()).contains("no-such");

        // dtr-1: at least one of order, questionnaire and context.
        Response none = post("Questionnaire/$questionnaire-package", input(ids).toString());
        assertThat(none.assertOutcome(400)).startsWith("OVT-400");
        assertThat(none.body()).contains("order").contains("questionnaire");
    }
}
