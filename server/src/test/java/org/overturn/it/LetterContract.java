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

/**
 * Claim/$generate-letter over HTTP: a stored letter in Markdown and PDF, traceable to the chart through Provenance; and
 * DocumentReference/$render-pdf, the PDF of the letter once its Markdown is edited.
 */
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

    default Response renderPdf(String documentId) {
        return post("DocumentReference/" + documentId + "/$render-pdf", "{\"resourceType\":\"Parameters\"}");
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

    @Test
    default void renderPdfWhenMarkdownEditedThenTheNextVersionHasThePdfOfTheEdit() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        Response generated = generate(claim(ids, "preauthorization"), "medical-necessity");
        assertThat(generated.status()).as(generated.body()).isEqualTo(200);
        String id = generated.json().path("id").asText();
        String originalPdf = generated.json().path("content").get(1).path("attachment").path("data").asText();
        // As generated, the PDF already shows the Markdown: nothing new is stored.
        Response unchanged = renderPdf(id);
        assertThat(unchanged.status()).as(unchanged.body()).isEqualTo(200);
        assertThat(unchanged.json().path("meta").path("versionId").asText()).isEqualTo("1");

        // The clinician's edit, as the SMART app saves it: the Markdown changed, the PDF dropped.
        String edit = "Her oncologist reviewed the synthetic chart again on the first of March.";
        ObjectNode edited = generated.json().deepCopy();
        var content = (com.fasterxml.jackson.databind.node.ArrayNode) edited.path("content");
        ObjectNode markdownAttachment = (ObjectNode) content.get(0).path("attachment");
        String markdown = new String(Base64.getDecoder().decode(markdownAttachment.path("data").asText()), StandardCharsets.UTF_8);
        int section = markdown.indexOf("\n\n", markdown.indexOf("\n## ") + 1) + 2;
        String changed = markdown.substring(0, section) + edit + "\n\n" + markdown.substring(section);
        markdownAttachment.put("data", Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)));
        content.remove(1);
        Response put = put("DocumentReference/" + id, edited.toString(), "If-Match", "W/\"1\"");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain("application/pdf");

        Response rendered = renderPdf(id);
        assertThat(rendered.status()).as(rendered.body()).isEqualTo(200);
        JsonNode doc = rendered.json();
        assertThat(doc.path("meta").path("versionId").asText()).isEqualTo("3");
        assertThat(rendered.header("ETag")).isEqualTo("W/\"3\"");
        JsonNode pdf = null;
        for (JsonNode c : doc.path("content")) {
            if (c.path("attachment").path("contentType").asText().equals("application/pdf")) {
                assertThat(pdf).as("one PDF attachment").isNull();
                pdf = c.path("attachment");
            }
        }
        assertThat(pdf).as("the PDF attachment").isNotNull();
        assertThat(pdf.path("title").asText()).isEqualTo(markdownAttachment.path("title").asText().replace("(Markdown)", "(PDF)"));
        String text = PayerFacingScan.pdfText(Base64.getDecoder().decode(pdf.path("data").asText()));
        assertThat(text).contains(edit);
        assertThat(PayerFacingScan.pdfText(Base64.getDecoder().decode(originalPdf))).doesNotContain(edit);
        PayerFacingScan.document(doc);
        assertThat(get("DocumentReference/" + id).json().path("meta").path("versionId").asText()).isEqualTo("3");

        // The rendered-from-markdown extension is the package's: the stored version validates without errors.
        Response validated = post("DocumentReference/$validate", doc.toString());
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        assertThat(validated.json().path("issue").findValuesAsText("severity")).as(validated.body()).doesNotContain("error", "fatal");

        // Called again on the same Markdown: nothing new.
        assertThat(renderPdf(id).json().path("meta").path("versionId").asText()).isEqualTo("3");
    }

    @Test
    default void renderPdfWhenNoMarkdownUnknownOrDeletedThenClearError() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String plain = create("DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"subject\":{\"reference\":\"Patient/" + ids.get("Patient") + "\"},"
                + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"U3ludGhldGljIG5vdGU=\"}}]}");
        Response noMarkdown = renderPdf(plain);
        assertThat(noMarkdown.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(noMarkdown.body()).contains("text/markdown");
        // An empty body (no Content-Type) asks the same.
        assertThat(send("POST", "DocumentReference/" + plain + "/$render-pdf", null, null).assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(get("DocumentReference/" + plain).json().path("meta").path("versionId").asText()).isEqualTo("1");

        assertThat(renderPdf("no-such-document").assertOutcome(404)).isEqualTo("OVT-404");

        // Named in the CapabilityStatement, on DocumentReference.
        JsonNode documentReference = null;
        for (JsonNode resource : get("metadata").json().path("rest").get(0).path("resource")) {
            if (resource.path("type").asText().equals("DocumentReference")) {
                documentReference = resource;
            }
        }
        assertThat(documentReference).isNotNull();
        assertThat(documentReference.path("operation").findValuesAsText("name")).contains("render-pdf");

        assertThat(delete("DocumentReference/" + plain).status()).isIn(200, 204);
        assertThat(renderPdf(plain).assertOutcome(410)).isEqualTo("OVT-410");
    }
}
