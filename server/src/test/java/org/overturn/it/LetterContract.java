package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/** Claim/$generate-letter over HTTP: a stored letter in Markdown and PDF, traceable to the chart through Provenance. */
public interface LetterContract extends EligibilityContract {

    default String claim(Map<String, String> ids, String use) {
        JsonNode order = get("MedicationRequest/" + ids.get("MedicationRequest")).json();
        ObjectNode claim = JSON.createObjectNode();
        claim.put("resourceType", "Claim");
        claim.put("status", "active");
        claim.putObject("type").putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/claim-type").put("code", "pharmacy");
        claim.put("use", use);
        claim.putObject("patient").put("reference", "Patient/" + ids.get("Patient"));
        claim.put("created", "2026-12-01");
        claim.putObject("provider").put("reference", "Practitioner/" + ids.get("Practitioner"));
        claim.putObject("priority").putArray("coding").addObject().put("code", "normal");
        claim.putObject("prescription").put("reference", "MedicationRequest/" + ids.get("MedicationRequest"));
        ObjectNode insurance = claim.putArray("insurance").addObject();
        insurance.put("sequence", 1).put("focal", true).putObject("coverage").put("reference", "Coverage/" + ids.get("Coverage"));
        ObjectNode item = claim.putArray("item").addObject();
        item.put("sequence", 1).set("productOrService", order.path("medicationCodeableConcept"));
        return create("Claim", claim.toString());
    }

    default Response generate(String claimId, String kind) {
        return post("Claim/" + claimId + "/$generate-letter",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"kind\",\"valueCode\":\"" + kind + "\"}]}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void generateLetterWhenCompleteChartThenStoredMarkdownAndPdfNameTheEvidence(Scenario scenario) throws Exception {
        Map<String, String> ids = load(scenario.bundleJson());
        String claimId = claim(ids, "preauthorization");
        Response r = generate(claimId, "medical-necessity");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode doc = r.json();
        PayerFacingScan.document(doc);
        assertThat(doc.path("resourceType").asText()).isEqualTo("DocumentReference");
        assertThat(doc.path("subject").path("reference").asText()).isEqualTo("Patient/" + ids.get("Patient"));
        assertThat(doc.path("context").path("related").get(0).path("reference").asText()).isEqualTo("Claim/" + claimId);
        assertThat(doc.path("content").get(0).path("attachment").path("contentType").asText()).isEqualTo("text/markdown");
        assertThat(doc.path("content").get(1).path("attachment").path("contentType").asText()).isEqualTo("application/pdf");
        String markdown = new String(Base64.getDecoder().decode(doc.path("content").get(0).path("attachment").path("data").asText()),
                StandardCharsets.UTF_8);
        byte[] pdf = Base64.getDecoder().decode(doc.path("content").get(1).path("attachment").path("data").asText());
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

        JsonNode expected = JSON.readTree(scenario.resource("expected.json"));
        for (JsonNode fact : expected.path("letterMustContain")) {
            assertThat(markdown).as("letter for %s", scenario).contains(fact.asText());
        }
        // What is only in a patient guide or unconfirmed waits on the sender's checklist, beside the letter, never in it.
        JsonNode checklistAttachment = doc.path("content").get(2).path("attachment");
        assertThat(checklistAttachment.path("title").asText()).contains("checklist").contains("not sent");
        String checklist = new String(Base64.getDecoder().decode(checklistAttachment.path("data").asText()), StandardCharsets.UTF_8);
        for (JsonNode fact : expected.path("checklistMustContain")) {
            assertThat(checklist).as("checklist for %s", scenario).contains(fact.asText());
            assertThat(markdown).as("letter for %s", scenario).doesNotContain(fact.asText());
        }
        // Each enclosure that is a chart record is named in the letter as a reader knows it, and context.related says
        // which resource of this patient's chart on this server it is.
        int records = 0;
        for (JsonNode related : doc.path("context").path("related")) {
            if (related.hasNonNull("display")) {
                assertThat(markdown).contains("- " + related.path("display").asText());
                assertThat(get(related.path("reference").asText()).status()).as("record %s", related).isEqualTo(200);
                records++;
            }
        }
        boolean investigational = expected.path("letterMustContain").toString().contains("Form FDA 3926");
        if (!investigational) {
            assertThat(records).as("the biomarker reports are enclosed and named").isPositive();
        }

        // The PA Questionnaire comes back pre-filled from the chart, unanswered items left empty.
        String responseRef = null;
        for (JsonNode related : doc.path("context").path("related")) {
            if (related.path("reference").asText().startsWith("QuestionnaireResponse/")) {
                responseRef = related.path("reference").asText();
            }
        }
        assertThat(responseRef).as("pre-filled QuestionnaireResponse linked from the letter").isNotNull();
        JsonNode qr = get(responseRef).json();
        assertThat(qr.path("status").asText()).isEqualTo("in-progress");
        assertThat(qr.path("subject").path("reference").asText()).isEqualTo("Patient/" + ids.get("Patient"));
        String answers = qr.path("item").toString();
        JsonNode patientGroup = qr.path("item").get(0);
        assertThat(patientGroup.path("linkId").asText()).isEqualTo("patient");
        assertThat(patientGroup.path("item").get(0).path("answer").get(0).path("valueString").asText()).isNotBlank();
        assertThat(answers).contains("\"linkId\":\"prescriber-npi\"");
        String questionnaire = qr.path("questionnaire").asText();
        assertThat(get("Questionnaire?url=" + questionnaire.substring(0, questionnaire.indexOf('|'))).json().path("total").asInt()).isEqualTo(1);

        Response provenance = get("Provenance?target=DocumentReference/" + doc.path("id").asText());
        assertThat(provenance.json().path("total").asInt()).isEqualTo(1);
        JsonNode p = provenance.json().path("entry").get(0).path("resource");
        assertThat(p.path("policy").get(0).asText()).contains(expected.path("policy").asText() + "|");
        assertThat(p.path("entity").toString()).contains("Claim/" + claimId).contains("Patient/" + ids.get("Patient"));
    }

    @Test
    default void generateLetterWhenBiomarkerMissingThenTheReportIsARequiredEnclosureNotAClaim() {
        String bundle = Scenarios.ALECTINIB_CA.bundleJson();
        JsonNode tree;
        try {
            tree = JSON.readTree(bundle);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        var entries = (com.fasterxml.jackson.databind.node.ArrayNode) tree.path("entry");
        for (int i = entries.size() - 1; i >= 0; i--) {
            String code = entries.get(i).path("resource").path("code").path("coding").path(0).path("code").asText();
            if (code.equals("76042-8") || code.equals("69548-6")) {
                entries.remove(i);
            }
        }
        Map<String, String> ids = load(tree.toString());
        Response r = generate(claim(ids, "preauthorization"), "medical-necessity");
        assertThat(r.status()).isEqualTo(200);
        PayerFacingScan.document(r.json());
        String markdown = new String(Base64.getDecoder().decode(r.json().path("content").get(0).path("attachment").path("data").asText()),
                StandardCharsets.UTF_8);
        assertThat(markdown).contains("A final positive ALK rearrangement result is not on file");
        assertThat(markdown).contains("REQUIRED, not yet on file: ALK test report");
        assertThat(markdown).doesNotContain("ALK-positive disease by an FDA-approved test: met");
    }

    @Test
    default void generateLetterWhenClaimIsNotPreauthorizationOrKindUnknownThenClearError() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String claimId = claim(ids, "claim");
        Response notPa = generate(claimId, "medical-necessity");
        assertThat(notPa.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(notPa.body()).contains("preauthorization");
        String paClaim = claim(ids, "preauthorization");
        assertThat(generate(paClaim, "love-letter").assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(generate("no-such-claim", "medical-necessity").assertOutcome(404)).isEqualTo("OVT-404");
        assertThat(get("DocumentReference?subject=Patient/" + ids.get("Patient")).json().path("total").asInt()).isZero();
    }
}
