package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.cases.WorkflowSteps;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;

/**
 * Da Vinci PAS over HTTP with the sandbox payer: Claim/$submit decides each scenario as the knowledge files say
 * (approve, deny with the CARC code, pend listing what is missing), stores the case with its PA Task, refuses a
 * Bundle that is not a PAS request without storing anything, and Claim/$inquire finds a pended request again.
 */
public interface PasContract extends PasHttp {

    @Test
    default void submitWhenAllCriteriaMetThenApprovedWithAuthorizationAndStoredCase() {
        Response r = submit(pasRequest(Scenarios.ALECTINIB_CA, null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode bundle = r.json();
        assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.path("type").asText()).isEqualTo("collection");
        // PAS Response Bundle: identifier and timestamp are must-support; a request without one gets a new one.
        assertThat(bundle.path("identifier").path("system").asText()).isEqualTo("urn:ietf:rfc:3986");
        assertThat(bundle.path("identifier").path("value").asText()).startsWith("urn:uuid:");
        assertThat(bundle.path("timestamp").asText()).isNotBlank();
        JsonNode response = bundle.path("entry").get(0).path("resource");
        assertThat(response.path("resourceType").asText()).isEqualTo("ClaimResponse");
        assertThat(response.path("outcome").asText()).isEqualTo("complete");
        assertThat(response.path("use").asText()).isEqualTo("preauthorization");
        assertThat(reviewAction(adjudication(bundle))).isEqualTo("A1");
        assertThat(adjudication(bundle).path("category").path("coding").get(0).path("code").asText()).isEqualTo("submitted");
        assertThat(response.path("preAuthRef").asText()).startsWith("SBX-");

        // Every reference of the ClaimResponse resolves inside the response Bundle and on the server.
        List<String> fullUrls = new ArrayList<>();
        bundle.path("entry").forEach(e -> fullUrls.add(e.path("fullUrl").asText()));
        for (String field : List.of("patient", "insurer", "requestor", "request")) {
            String ref = response.path(field).path("reference").asText();
            assertThat(fullUrls).as(field).contains(base() + "/" + ref);
            assertThat(get(ref).status()).as(ref).isEqualTo(200);
        }
        assertThat(get("ClaimResponse/" + response.path("id").asText()).status()).isEqualTo(200);

        JsonNode task = task(bundle);
        assertThat(task.path("status").asText()).isEqualTo("completed");
        assertThat(task.path("code").path("coding").get(0).path("system").asText()).isEqualTo(org.overturn.cases.WorkflowSteps.SYSTEM);
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("approved");
        assertThat(task.path("for").path("reference").asText()).isEqualTo(response.path("patient").path("reference").asText());
        assertThat(task.path("output").get(0).path("valueReference").path("reference").asText())
                .isEqualTo("ClaimResponse/" + response.path("id").asText());
        assertThat(task.path("input").get(0).path("valueReference").path("reference").asText())
                .isEqualTo(response.path("request").path("reference").asText());
    }

    /**
     * PAS ClaimResponse profile, must-support item extensions: an approved item says when its authorization was
     * issued and how long it is valid ({@code preAuthPeriod}, also on the ClaimResponse), and every item echoes the
     * submitter's {@code itemTraceNumber}. The period comes from the policy's sources (Vitrakvi: one year); where
     * they give none (Alecensa), no period is invented.
     */
    @Test
    default void submitWhenApprovedThenItemsEchoTheirTraceNumbersAndCarryTheIssueDateAndThePolicysPeriod() {
        Bundle request = pasRequest(Scenarios.LAROTRECTINIB_CA, null);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        String trace = "TRN-" + unique();
        claim.getItemFirstRep().addExtension(PasProfiles.ITEM_TRACE_NUMBER,
                new org.hl7.fhir.r4.model.Identifier().setSystem("urn:oid:2.16.840.1.113883.3.9999.1").setValue(trace));
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode response = r.json().path("entry").get(0).path("resource");
        JsonNode item = response.path("item").get(0);
        assertThat(reviewAction(item.path("adjudication").get(0))).isEqualTo("A1");
        assertThat(extension(item, PasProfiles.ITEM_TRACE_NUMBER).path("valueIdentifier").path("value").asText()).isEqualTo(trace);
        java.time.LocalDate issued = java.time.LocalDate.parse(extension(item, PasProfiles.ITEM_PRE_AUTH_ISSUE_DATE).path("valueDate").asText());
        assertThat(issued.toString()).isEqualTo(response.path("created").asText().substring(0, 10));
        JsonNode period = extension(item, PasProfiles.ITEM_PRE_AUTH_PERIOD).path("valuePeriod");
        assertThat(period.path("start").asText()).isEqualTo(issued.toString());
        assertThat(period.path("end").asText()).isEqualTo(issued.plusYears(1).minusDays(1).toString());
        assertThat(response.path("preAuthPeriod")).isEqualTo(period);

        Response alecensa = submit(pasRequest(Scenarios.ALECTINIB_CA, null));
        JsonNode approved = alecensa.json().path("entry").get(0).path("resource");
        JsonNode alecensaItem = approved.path("item").get(0);
        assertThat(reviewAction(alecensaItem.path("adjudication").get(0))).isEqualTo("A1");
        assertThat(extension(alecensaItem, PasProfiles.ITEM_PRE_AUTH_ISSUE_DATE).path("valueDate").asText()).isNotBlank();
        assertThat(extension(alecensaItem, PasProfiles.ITEM_PRE_AUTH_PERIOD).isMissingNode()).isTrue();
        assertThat(extension(alecensaItem, PasProfiles.ITEM_TRACE_NUMBER).isMissingNode()).isTrue();
        assertThat(approved.has("preAuthPeriod")).isFalse();
    }

    private static JsonNode extension(JsonNode element, String url) {
        for (JsonNode e : element.path("extension")) {
            if (url.equals(e.path("url").asText())) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    default void submitWhenBiomarkerNegativeThenDeniedWithTheCarcOfTheKnowledge() {
        Response r = submit(pasRequest(Scenarios.ALECTINIB_CA, "biomarker-negative"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode adjudication = adjudication(r.json());
        assertThat(reviewAction(adjudication)).isEqualTo("A3");
        JsonNode reason = adjudication.path("reason").path("coding").get(0);
        assertThat(reason.path("system").asText()).isEqualTo(PasProfiles.CARC);
        assertThat(reason.path("code").asText()).isEqualTo("272");
        assertThat(r.json().path("entry").get(0).path("resource").has("preAuthRef")).isFalse();
        assertThat(r.body()).contains("ALK");
        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("completed");
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("denied");
    }

    @Test
    default void submitWhenDiagnosisNotCoveredThenDeniedAsNotMedicallyNecessary() {
        Response r = submit(pasRequest(Scenarios.ALECTINIB_CA, "wrong-diagnosis"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A3");
        assertThat(adjudication(r.json()).path("reason").path("coding").get(0).path("code").asText()).isEqualTo("50");
    }

    @Test
    default void submitWhenDrugInvestigationalThenDeniedAsExperimental() {
        Response r = submit(pasRequest(Scenarios.ZANZALINTINIB_GA, null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode adjudication = adjudication(r.json());
        assertThat(reviewAction(adjudication)).isEqualTo("A3");
        assertThat(adjudication.path("reason").path("coding").get(0).path("code").asText()).isEqualTo("55");
        assertThat(adjudication.path("reason").path("text").asText()).containsIgnoringCase("investigational");
    }

    @Test
    default void submitWhenBiomarkerNeverTestedThenPendedListingWhatIsMissing() {
        Response r = submit(pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode response = r.json().path("entry").get(0).path("resource");
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A4");
        assertThat(response.path("outcome").asText()).isEqualTo("complete");
        assertThat(response.path("processNote").toString()).contains("ALK test report");
        assertThat(response.path("item").get(0).path("noteNumber").size()).isPositive();
        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("in-progress");
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("pended");
    }

    @Test
    default void submitWhenResultNotFinalThenPended() {
        Response r = submit(pasRequest(Scenarios.ALECTINIB_CA, "biomarker-pending"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A4");
    }

    /**
     * PAS Request and Response Bundle.identifier, the submitter's transaction identifier (X12 BHT03): the answer to a
     * request or an inquiry carries the identifier its Bundle came with (as the IG's request and response examples do).
     */
    @Test
    default void submitAndInquireWhenTheBundleHasAnIdentifierThenTheAnswerCarriesTheSame() {
        String system = "http://overturn.example.org/submitter-transaction";
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        request.setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(system).setValue("TX-" + unique()));
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("identifier").path("system").asText()).isEqualTo(system);
        assertThat(r.json().path("identifier").path("value").asText()).isEqualTo(request.getIdentifier().getValue());
        String responseId = r.json().path("entry").get(0).path("resource").path("id").asText();

        // A resubmission is a transaction of its own: the same answer, under its identifier.
        request.getIdentifier().setValue("TX-" + unique());
        Response again = submit(request);
        assertThat(again.json().path("entry").get(0).path("resource").path("id").asText()).isEqualTo(responseId);
        assertThat(again.json().path("identifier").path("value").asText()).isEqualTo(request.getIdentifier().getValue());

        Bundle inquiry = PasBundles.inquiry(request, "INQ-" + unique());
        inquiry.setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(system).setValue("TX-" + unique()));
        Response found = post("Claim/$inquire", PasBundles.json(inquiry));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode answer = found.json().path("parameter").get(0).path("resource");
        assertThat(answer.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(responseId);
        assertThat(answer.path("identifier").path("value").asText()).isEqualTo(inquiry.getIdentifier().getValue());
    }

    @Test
    default void submitWhenSameIdentifierAgainThenSameAnswerAndNothingNewStored() {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        String json = PasBundles.json(request);
        Response first = post("Claim/$submit", json);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Map<String, Integer> before = counts();
        Response again = post("Claim/$submit", json);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("entry").get(0).path("resource").path("id").asText())
                .isEqualTo(first.json().path("entry").get(0).path("resource").path("id").asText());
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    default void submitWhenBundleIsNotAPasRequestThen4xxOutcomeAndNothingStored() {
        Map<String, Integer> before = counts();

        Bundle dangling = pasRequest(Scenarios.ALECTINIB_CA, null);
        ((Claim) dangling.getEntryFirstRep().getResource()).setPatient(new Reference("Patient/not-in-the-bundle"));
        Response r = submit(dangling);
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
        assertThat(r.body()).contains("Patient/not-in-the-bundle").contains("Bundle.entry[0].resource.patient");

        Bundle notPreauth = pasRequest(Scenarios.ALECTINIB_CA, null);
        ((Claim) notPreauth.getEntryFirstRep().getResource()).setUse(Claim.Use.CLAIM);
        r = submit(notPreauth);
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
        assertThat(r.body()).contains("Claim.use").contains("preauthorization");

        Bundle claimNotFirst = pasRequest(Scenarios.ALECTINIB_CA, null);
        claimNotFirst.getEntry().add(claimNotFirst.getEntry().remove(0));
        r = submit(claimNotFirst);
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
        assertThat(r.body()).contains("Bundle.entry[0]").contains("Claim");

        r = post("Claim/$submit", "");
        assertThat(r.status()).isBetween(400, 499);
        r.assertOutcome(r.status());

        // The Inferno PAS kit's error tests: an empty collection Bundle to either operation is a 4xx OperationOutcome.
        for (String operation : List.of("Claim/$submit", "Claim/$inquire")) {
            r = post(operation, "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
            assertThat(r.assertOutcome(400)).as(operation).isEqualTo("OVT-400-BUNDLE");
            assertThat(r.body()).as(operation).contains("Claim");
        }

        Bundle noIdentifier = pasRequest(Scenarios.ALECTINIB_CA, null);
        ((Claim) noIdentifier.getEntryFirstRep().getResource()).getIdentifier().clear();
        r = submit(noIdentifier);
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(r.body()).contains("Claim.identifier");

        Bundle transaction = pasRequest(Scenarios.ALECTINIB_CA, null).setType(Bundle.BundleType.TRANSACTION);
        r = submit(transaction);
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
        assertThat(r.body()).contains("Bundle.type");

        assertThat(counts()).isEqualTo(before);
    }

    @Test
    default void submitWhenPayerHasNoRulesThenPendedForReviewSayingWhy() {
        // PAS: an answer, not an error. The sandbox has no rules for this payer, so a person must decide.
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Organization insurer = (Organization) PasBundles.find(request, claim.getInsurer().getReference());
        insurer.setName("Acme Health Plan").getIdentifierFirstRep().setValue("acme");
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A4");
        JsonNode response = r.json().path("entry").get(0).path("resource");
        assertThat(response.path("processNote").toString()).contains("Acme Health Plan").contains("review");
        assertThat(response.path("item").get(0).path("noteNumber").size()).isPositive();
        assertThat(task(r.json()).path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("pended");
    }

    @Test
    default void submitWhenBundleCarriesEntriesTheClaimDoesNotReachThenDecidedAndThoseEntriesNamed() {
        // The PAS request Bundle profile has no rule that every entry be reached from the Claim.
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        Organization clinic = new Organization().setName("Unreached Oncology Group");
        clinic.setId("unreached-org");
        org.hl7.fhir.r4.model.PractitionerRole role = new org.hl7.fhir.r4.model.PractitionerRole()
                .setOrganization(new Reference("urn:uuid:0b6f3a5e-7d1c-4f0e-9a51-unreached00001"));
        request.addEntry().setFullUrl("urn:uuid:0b6f3a5e-7d1c-4f0e-9a51-unreached00002").setResource(role);
        request.addEntry().setFullUrl("urn:uuid:0b6f3a5e-7d1c-4f0e-9a51-unreached00001").setResource(clinic);
        int rolesBefore = get("PractitionerRole?_summary=count").json().path("total").asInt();
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).as("decided as without them").isEqualTo("A1");
        JsonNode response = r.json().path("entry").get(0).path("resource");
        assertThat(response.path("processNote").toString()).contains("PractitionerRole").contains("Organization")
                .contains("Not stored");
        assertThat(get("PractitionerRole?_summary=count").json().path("total").asInt()).as("ignored, not stored")
                .isEqualTo(rolesBefore);
    }

    @Test
    default void submitWhenTheClaimUpdatesAnEarlierOneCarriedInTheBundleThenDecidedAndTheEarlierNotStoredAgain() {
        // PAS claim update: the new Claim's related.claim names the earlier request, which the Bundle may carry.
        Bundle first = pasRequest(Scenarios.ALECTINIB_CA, null);
        assertThat(submit(first).status()).isEqualTo(200);
        Claim earlier = (Claim) first.getEntryFirstRep().getResource();
        Bundle update = pasRequest(Scenarios.ALECTINIB_CA, null);
        Claim claim = (Claim) update.getEntryFirstRep().getResource();
        String earlierUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        claim.addRelated().setClaim(new Reference(earlierUrl))
                .setRelationship(new org.hl7.fhir.r4.model.CodeableConcept(
                        new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior", null)));
        Claim earlierCopy = earlier.copy();
        earlierCopy.setId((String) null);
        earlierCopy.getRelated().clear();
        // The copy's references are this Bundle's own entries, as a client sending the update would write them.
        earlierCopy.setPatient(claim.getPatient().copy()).setInsurer(claim.getInsurer().copy()).setProvider(claim.getProvider().copy());
        earlierCopy.getInsurance().clear();
        earlierCopy.addInsurance(claim.getInsuranceFirstRep().copy());
        earlierCopy.getItem().clear();
        earlierCopy.addItem(claim.getItemFirstRep().copy());
        update.addEntry().setFullUrl(earlierUrl).setResource(earlierCopy);
        int claimsBefore = counts().get("Claim");

        Response r = submit(update);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A1");
        assertThat(counts().get("Claim")).as("only the new Claim is stored").isEqualTo(claimsBefore + 1);
        JsonNode stored = get("Claim?identifier=" + claim.getIdentifierFirstRep().getSystem() + "|"
                + claim.getIdentifierFirstRep().getValue()).json().path("entry").get(0).path("resource");
        assertThat(stored.path("related").get(0).path("claim").path("identifier").path("value").asText())
                .as("the earlier Claim named by its business identifier").isEqualTo(earlier.getIdentifierFirstRep().getValue());
    }

    @Test
    default void submitWhenAnUpdateFollowsAPendedRequestThenItsFollowUpTaskEndsAndTheUpdateJoinsTheCase() {
        Bundle first = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        Response pended = submit(first);
        assertThat(pended.status()).as(pended.body()).isEqualTo(200);
        JsonNode pendedTask = task(pended.json());
        assertThat(pendedTask.path("status").asText()).isEqualTo("in-progress");
        String earlierClaim = pended.json().path("entry").get(0).path("resource").path("request").path("reference").asText();

        // The provider sends the missing ALK report in an update naming the pended request.
        Bundle update = PasBundles.updateOf(pasRequest(Scenarios.ALECTINIB_CA, null), first);
        String updateId = ((Claim) update.getEntryFirstRep().getResource()).getIdentifierFirstRep().getValue();
        Response r = submit(update);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A1");

        JsonNode ended = get("Task/" + pendedTask.path("id").asText()).json();
        assertThat(ended.path("status").asText()).as("the pended follow-up ends").isEqualTo("cancelled");
        assertThat(ended.path("statusReason").path("text").asText()).contains("Replaced").contains(updateId);
        JsonNode updateTask = task(r.json());
        JsonNode caseId = updateTask.path("groupIdentifier");
        assertThat(caseId.path("system").asText()).isEqualTo(WorkflowSteps.CASE_IDENTIFIER);
        assertThat(ended.path("groupIdentifier")).as("one case").isEqualTo(caseId);
        assertThat(updateTask.path("input").toString()).contains(PasProfiles.TASK_EARLIER_REQUEST).contains(earlierClaim);
        JsonNode caseTasks = get("Task?group-identifier=" + caseId.path("system").asText() + "|"
                + caseId.path("value").asText()).json();
        assertThat(caseTasks.path("entry").size()).as("the case's PA Tasks").isEqualTo(2);

        // An inquiry about the earlier request no longer answers "pended": it was cancelled by the update, which it names.
        String earlierIdentifier = ((Claim) first.getEntryFirstRep().getResource()).getIdentifierFirstRep().getValue();
        Response inquired = post("Claim/$inquire", PasBundles.json(PasBundles.inquiry(first, earlierIdentifier)));
        assertThat(inquired.status()).as(inquired.body()).isEqualTo(200);
        assertThat(inquired.json().path("parameter").size()).as(inquired.body()).isEqualTo(1);
        JsonNode earlierAnswer = inquired.json().path("parameter").get(0).path("resource");
        JsonNode earlierResponse = earlierAnswer.path("entry").get(0).path("resource");
        assertThat(earlierResponse.path("request").path("reference").asText()).isEqualTo(earlierClaim);
        assertThat(reviewAction(adjudication(earlierAnswer))).as("pended, then replaced: cancelled").isEqualTo("C");
        assertThat(earlierResponse.path("outcome").asText()).isEqualTo("complete");
        assertThat(earlierResponse.path("disposition").asText()).contains("Replaced").contains(updateId);
        assertThat(earlierResponse.path("processNote").toString()).contains("Cancelled before a decision").contains(updateId);
    }

    /**
     * PAS names a request by its Claim identifier, but clients (the Inferno PAS kit's payloads among them) send
     * different requests, and updates, under one identifier. A request sent again exactly is answered again; another
     * request under the same identifier is a request of its own, never answered with the first one's response; an
     * update finds the earlier request it carries among those sharing the identifier. What a carried earlier Claim
     * names (the request before it) and what an inquiry's supporting information names need not be in the Bundle.
     */
    @Test
    default void submitWhenRequestsShareOneIdentifierThenEachIsItsOwnAndAnUpdateFindsTheOneItCarries() {
        Bundle first = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        Identifier shared = ((Claim) first.getEntryFirstRep().getResource()).getIdentifierFirstRep();
        Response pended = submit(first);
        assertThat(pended.status()).as(pended.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(pended.json()))).isEqualTo("A4");
        JsonNode pendedTask = task(pended.json());

        Bundle second = pasRequest(Scenarios.ALECTINIB_CA, null);
        ((Claim) second.getEntryFirstRep().getResource()).getIdentifierFirstRep().setValue(shared.getValue());
        int claimsBefore = counts().get("Claim");
        Response approved = submit(second);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(approved.json()))).as("decided on its own chart, not the first one's answer")
                .isEqualTo("A1");
        assertThat(counts().get("Claim")).isEqualTo(claimsBefore + 1);
        String firstResponse = pended.json().path("entry").get(0).path("resource").path("id").asText();
        String secondResponse = approved.json().path("entry").get(0).path("resource").path("id").asText();
        assertThat(secondResponse).isNotEqualTo(firstResponse);
        assertThat(submit(first).json().path("entry").get(0).path("resource").path("id").asText()).isEqualTo(firstResponse);
        assertThat(submit(second).json().path("entry").get(0).path("resource").path("id").asText()).isEqualTo(secondResponse);
        // Sent again with new names for its entries, as a client that builds the Bundle anew each time sends it.
        String renamed = PasBundles.json(first);
        for (String urn : new java.util.TreeSet<>(java.util.regex.Pattern.compile("urn:uuid:[0-9a-f-]{36}").matcher(renamed)
                .results().map(java.util.regex.MatchResult::group).toList())) {
            renamed = renamed.replace(urn, "urn:uuid:" + java.util.UUID.randomUUID());
        }
        assertThat(renamed).isNotEqualTo(PasBundles.json(first));
        assertThat(post("Claim/$submit", renamed).json().path("entry").get(0).path("resource").path("id").asText())
                .as("the same request, its entries named anew").isEqualTo(firstResponse);
        assertThat(counts().get("Claim")).as("sent again, nothing new").isEqualTo(claimsBefore + 1);

        // An update under the same identifier: the first request's Bundle again, its Claim now asking for a second
        // item and naming the first Claim, which it carries as it was sent. That carried Claim names a request before
        // it, which the Bundle does not carry.
        Bundle update = first.copy();
        Claim carried = ((Claim) update.getEntryFirstRep().getResource()).copy();
        carried.addRelated().setClaim(new Reference("http://elsewhere.example.org/fhir/Claim/before"));
        Claim claim = carried.copy();
        claim.getRelated().clear();
        claim.addItem(claim.getItemFirstRep().copy().setSequence(2));
        String carriedUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        claim.addRelated().setClaim(new Reference(carriedUrl)).setRelationship(new org.hl7.fhir.r4.model.CodeableConcept(
                new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior", null)));
        update.getEntryFirstRep().setResource(claim);
        update.addEntry().setFullUrl(carriedUrl).setResource(carried);
        Response updated = submit(update);
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(get("Task/" + pendedTask.path("id").asText()).json().path("status").asText())
                .as("the first request's pended follow-up ends: the update replaced that one").isEqualTo("cancelled");
        assertThat(task(updated.json()).path("groupIdentifier")).as("the update joins the first request's case")
                .isEqualTo(pendedTask.path("groupIdentifier"));
        assertThat(task(approved.json()).path("status").asText()).as("the second request is left alone").isEqualTo("completed");

        Bundle inquiry = PasBundles.inquiry(first, shared.getValue());
        ((Claim) inquiry.getEntryFirstRep().getResource()).addSupportingInfo().setSequence(1)
                .setCategory(new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                        "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation", null)))
                .setValue(new Reference("DocumentReference/not-carried"));
        Response inquired = post("Claim/$inquire", PasBundles.json(inquiry));
        assertThat(inquired.status()).as(inquired.body()).isEqualTo(200);
        assertThat(inquired.json().path("parameter").size()).as(inquired.body()).isPositive();
    }

    /** Found by the long fuzz run: a Claim identifier holding U+0000 reached PostgreSQL as text and answered 500. */
    @Test
    default void submitWhenTheClaimIdentifierHoldsANulCharacterThen4xxAndNothingStored() {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        ((Claim) request.getEntryFirstRep().getResource()).getIdentifierFirstRep().setValue("PA-\u0000-1");
        Map<String, Integer> before = counts();
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        assertThat(r.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    default void submitWhenAnUpdateWithdrawsAnItemThenItIsAnsweredCancelledAndNotDecidedAgain() {
        Bundle first = PasBundles.withSecondItem(pasRequest(Scenarios.ALECTINIB_CA, null));
        Response decided = submit(first);
        assertThat(decided.status()).as(decided.body()).isEqualTo(200);
        assertThat(reviewActions(decided.json())).containsExactly(Map.entry(1, "A1"), Map.entry(2, "A1"));

        Bundle update = PasBundles.withdrawItem(
                PasBundles.updateOf(PasBundles.withSecondItem(pasRequest(Scenarios.ALECTINIB_CA, null)), first), 2);
        Response r = submit(update);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewActions(r.json())).as("item 2 withdrawn: cancelled (X12 306 C), not certified again")
                .containsExactly(Map.entry(1, "A1"), Map.entry(2, "C"));
        JsonNode response = r.json().path("entry").get(0).path("resource");
        JsonNode withdrawn = response.path("item").get(1);
        assertThat(withdrawn.path("adjudication").get(0).has("reason")).isFalse();
        assertThat(withdrawn.path("noteNumber").size()).isPositive();
        assertThat(response.path("processNote").toString()).contains("Cancelled");
        assertThat(response.path("preAuthRef").asText()).as("item 1 stays authorized").startsWith("SBX-");
        JsonNode task = task(r.json());
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText())
                .as("a withdrawn item does not count").isEqualTo("approved");
        assertThat(get("Task/" + task(decided.json()).path("id").asText()).json().path("status").asText())
                .as("a decided request's Task stays decided").isEqualTo("completed");
    }

    @Test
    default void submitWhenAnUpdateCancelsTheWholeRequestThenACancelledAnswerAndTheCaseEnds() {
        Bundle first = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        Response pended = submit(first);
        assertThat(pended.status()).as(pended.body()).isEqualTo(200);
        String pendedTask = task(pended.json()).path("id").asText();

        Bundle cancel = PasBundles.cancelRequest(PasBundles.updateOf(pasRequest(Scenarios.ALECTINIB_CA, null), first));
        Response r = submit(cancel);
        assertThat(r.status()).as("a PAS answer, not an error: " + r.body()).isEqualTo(200);
        JsonNode response = r.json().path("entry").get(0).path("resource");
        assertThat(response.path("resourceType").asText()).isEqualTo("ClaimResponse");
        assertThat(response.path("outcome").asText()).isEqualTo("complete");
        assertThat(response.path("disposition").asText()).containsIgnoringCase("cancelled");
        assertThat(reviewActions(r.json())).containsExactly(Map.entry(1, "C"));
        assertThat(response.has("preAuthRef")).as("nothing authorized").isFalse();
        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("cancelled");
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("cancelled");
        JsonNode ended = get("Task/" + pendedTask).json();
        assertThat(ended.path("status").asText()).isEqualTo("cancelled");
        assertThat(ended.path("statusReason").path("text").asText()).contains("cancelled");
    }

    @Test
    default void submitWhenAnUpdateWithdrawsEveryItemOfADeniedRequestThenItsOpenAppealEnds() {
        Bundle first = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-negative");
        Response denied = submit(first);
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);
        String deniedTask = task(denied.json()).path("id").asText();
        Response appeal = post("ClaimResponse/" + denied.json().path("entry").get(0).path("resource").path("id").asText()
                + "/$appeal", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"urgency\",\"valueCode\":\"standard\"}]}");
        assertThat(appeal.status()).as(appeal.body()).isBetween(200, 201);
        JsonNode appeals = get("Task?part-of=Task/" + deniedTask).json().path("entry");
        assertThat(appeals.size()).isEqualTo(1);
        String appealTask = appeals.get(0).path("resource").path("id").asText();
        assertThat(appeals.get(0).path("resource").path("status").asText()).isEqualTo("ready");

        Bundle withdrawAll = PasBundles.withdrawItem(PasBundles.updateOf(pasRequest(Scenarios.ALECTINIB_CA, null), first), 1);
        Response r = submit(withdrawAll);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewActions(r.json())).containsExactly(Map.entry(1, "C"));
        assertThat(task(r.json()).path("status").asText()).isEqualTo("cancelled");
        JsonNode appealNow = get("Task/" + appealTask).json();
        assertThat(appealNow.path("status").asText()).as("the case ends: its open appeal too").isEqualTo("cancelled");
        assertThat(appealNow.path("statusReason").path("text").asText()).contains("cancelled");
        assertThat(get("Task/" + deniedTask).json().path("status").asText()).as("the denial stays recorded").isEqualTo("completed");
    }

    @Test
    default void inquireWhenTheClaimNamesARelatedClaimNotInTheBundleThenAnswered() {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        assertThat(submit(request).status()).isEqualTo(200);
        Bundle inquiry = PasBundles.inquiry(request, "INQ-" + unique());
        ((Claim) inquiry.getEntryFirstRep().getResource()).addRelated()
                .setClaim(new Reference("https://payer.example.org/fhir/Claim/earlier-" + unique()));
        Response r = post("Claim/$inquire", PasBundles.json(inquiry));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    default void inquireWhenRequestPendedThenParametersHoldItsCurrentResponse() {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        Response submitted = submit(request);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String responseId = submitted.json().path("entry").get(0).path("resource").path("id").asText();

        Response r = post("Claim/$inquire", PasBundles.json(PasBundles.inquiry(request, "INQ-" + unique())));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode parameters = r.json();
        assertThat(parameters.path("resourceType").asText()).isEqualTo("Parameters");
        assertThat(parameters.path("parameter").size()).as(r.body()).isEqualTo(1);
        JsonNode found = parameters.path("parameter").get(0);
        assertThat(found.path("name").asText()).isEqualTo("return");
        assertThat(found.path("resource").path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(found.path("resource").path("entry").get(0).path("resource").path("id").asText()).isEqualTo(responseId);
        assertThat(reviewAction(adjudication(found.path("resource")))).isEqualTo("A4");
        assertThat(found.path("resource").path("identifier").path("value").asText()).startsWith("urn:uuid:")
                .isNotEqualTo(submitted.json().path("identifier").path("value").asText());
        assertThat(found.path("resource").path("entry").get(0).path("resource").path("outcome").asText())
                .as("PAS ClaimResponseOutcome: complete, error or partial; pended items say the rest").isEqualTo("complete");

        // Another member: nothing matches, and the answer is still Parameters.
        Bundle other = PasBundles.inquiry(request, "INQ-" + unique());
        Patient member = (Patient) PasBundles.find(other, ((Claim) other.getEntryFirstRep().getResource()).getPatient().getReference());
        member.getIdentifier().stream()
                .filter(i -> PasBundles.MEMBER_SYSTEM.equals(i.getSystem())).forEach(i -> i.setValue("MB-" + unique()));
        Response none = post("Claim/$inquire", PasBundles.json(other));
        assertThat(none.status()).as(none.body()).isEqualTo(200);
        assertThat(none.json().path("resourceType").asText()).isEqualTo("Parameters");
        assertThat(none.json().path("parameter").size()).isZero();
    }

    @Test
    default void submitAndInquireWhenTheReadmeExamplesThenApprovedAndFoundAgain() {
        Response r = post("Claim/$submit", Scenarios.ALECTINIB_CA.resource("pas-request.json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A1");
        Response found = post("Claim/$inquire", Scenarios.ALECTINIB_CA.resource("pas-inquiry.json"));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().path("parameter").size()).isEqualTo(1);
        assertThat(found.json().path("parameter").get(0).path("resource").path("entry").get(0).path("resource").path("id").asText())
                .isEqualTo(r.json().path("entry").get(0).path("resource").path("id").asText());
    }

    @Test
    default void inquireWhenInquiryHasNoPatientThen4xxOutcome() {
        Bundle inquiry = PasBundles.inquiry(pasRequest(Scenarios.ALECTINIB_CA, null), "INQ-" + unique());
        ((Claim) inquiry.getEntryFirstRep().getResource()).setPatient(new Reference("Patient/elsewhere"));
        Response r = post("Claim/$inquire", PasBundles.json(inquiry));
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-BUNDLE");
        assertThat(r.body()).contains("Patient/elsewhere");
    }

    @Test
    default void metadataWhenFetchedThenDeclaresSubmitAndInquireOnClaim() {
        JsonNode rest = get("metadata").json().path("rest").get(0);
        List<String> operations = new ArrayList<>();
        for (JsonNode resource : rest.path("resource")) {
            if (resource.path("type").asText().equals("Claim")) {
                resource.path("operation").forEach(o -> operations.add(o.path("name").asText() + " " + o.path("definition").asText()));
            }
        }
        assertThat(operations).contains("submit " + PasProfiles.OPERATION_SUBMIT, "inquire " + PasProfiles.OPERATION_INQUIRE);
    }
}
