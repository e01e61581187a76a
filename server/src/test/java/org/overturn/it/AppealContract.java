package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Extension;
import org.junit.jupiter.api.Test;
import org.overturn.workflow.AppealProfiles;
import org.overturn.cases.RegimeResolver;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;
import org.overturn.cases.WorkflowSteps;

/**
 * Appeals over HTTP, one story per seed scenario: the PA request is denied by the sandbox payer, ClaimResponse/$appeal
 * makes the appeal Task with the filing deadline of the state's rules and a letter answering each denial reason, the
 * payer's second denial is recorded on the Task, and Task/$external-review prepares the packet for that state's body
 * with its deadline. Expected deadlines are worked out by hand from jurisdictions.yaml and written literally. Bad input
 * is refused with an OperationOutcome and stores nothing.
 */
public interface AppealContract extends PasContract {

    List<String> APPEAL_TYPES = List.of("Task", "DocumentReference", "Provenance");

    /** One story's expectations: the denial, the appeal's filing deadline, the final denial and the external review. */
    record Story(
            Scenario scenario,
            String variant,
            String carc,
            String deniedOn,
            String urgency,
            String appealDue,
            String appealRule,
            String decidedOn,
            String reviewDue,
            String reviewRule,
            String body,
            String phone) {}

    // ---- the five seed stories ----

    @Test
    default void appealWhenAlectinibDeniedForNegativeAlkThenDmhcDeadlinesLetterAndImrPacket() {
        // Knox-Keene HMO in California (plan name says DMHC-regulated): CA-DMHC internalAppeal.filingWindow 180 days from
        // the denial on Oct 5, 2026 (Los Angeles) = Apr 3, 2027, end of day PDT; IMR externalReview.filingWindow 6 months
        // from the final denial on Nov 20, 2026 = May 20, 2027, end of day PDT.
        story(new Story(Scenarios.ALECTINIB_CA, "biomarker-negative", "272", "2026-10-05T09:15:00-07:00", "standard",
                "2027-04-03T23:59:59-07:00", "CA-DMHC internalAppeal.filingWindow", "2026-11-20T14:00:00-08:00",
                "2027-05-20T23:59:59-07:00", "CA-DMHC externalReview.filingWindow",
                "California Department of Managed Health Care (DMHC)", "1-888-466-2219"));
    }

    @Test
    default void appealWhenLarotrectinibDeniedForDiagnosisThenCdiDeadlinesLetterAndImrPacket() {
        // CDI-regulated PPO: CA-CDI internalAppeal.filingWindow 180 days from Sep 14, 2026 = Mar 13, 2027, the day before
        // daylight saving time starts, so end of day PST (-08:00); IMR 6 months from Nov 2, 2026 = May 2, 2027 (PDT).
        story(new Story(Scenarios.LAROTRECTINIB_CA, "wrong-diagnosis", "50", "2026-09-14T08:00:00-07:00", "standard",
                "2027-03-13T23:59:59-08:00", "CA-CDI internalAppeal.filingWindow", "2026-11-02T10:00:00-08:00",
                "2027-05-02T23:59:59-07:00", "CA-CDI externalReview.filingWindow",
                "California Department of Insurance (CDI)", "1-800-927-4357"));
    }

    @Test
    default void appealWhenInotuzumabDeniedForPriorTherapyThenExpeditedDmhcAppealAndImrPacket() {
        // Expedited: the filing window stays 180 days (Nov 23, 2026 + 180 = May 22, 2027); the plan's clock is the
        // urgent one (CA-DMHC internalAppeal.decisionUrgent, 3 days). IMR: Nov 27, 2026 + 6 months = May 27, 2027.
        JsonNode task = story(new Story(Scenarios.INOTUZUMAB_CA, "prior-therapy-missing", "272", "2026-11-23T16:45:00-08:00",
                "expedited", "2027-05-22T23:59:59-07:00", "CA-DMHC internalAppeal.filingWindow", "2026-11-27T09:00:00-08:00",
                "2027-05-27T23:59:59-07:00", "CA-DMHC externalReview.filingWindow",
                "California Department of Managed Health Care (DMHC)", "1-888-466-2219"));
        assertThat(task.path("priority").asText()).isEqualTo("urgent");
    }

    @Test
    default void appealWhenZanzalintinibDeniedInGeorgiaThenDraftPacketUntilTheFinalDenialThenOciDeadline() {
        Story story = new Story(Scenarios.ZANZALINTINIB_GA, null, "55", "2026-08-03T11:00:00-04:00", "standard",
                // GA-OCI internalAppeal.filingWindow 180 days: Aug 3, 2026 + 180 = Jan 30, 2027, end of day EST.
                "2027-01-30T23:59:59-05:00", "GA-OCI internalAppeal.filingWindow", "2026-10-15T12:00:00-04:00",
                // GA-OCI externalReview.filingWindow is disputed (120 days, 60 days, 4 months): the earliest, 60 days from
                // Oct 15, 2026 = Dec 14, 2026, is used and marked CONFLICT-UNVERIFIED.
                "2026-12-14T23:59:59-05:00", "GA-OCI externalReview.filingWindow",
                "Georgia Office of Commissioner of Insurance and Safety Fire (OCI)", "1-800-656-2298");
        String responseId = deniedResponse(story);
        Response appealed = appeal(responseId, story.urgency());
        assertThat(appealed.status()).as(appealed.body()).isEqualTo(201);
        JsonNode appealTask = entry(appealed, 0);
        String appealId = appealTask.path("id").asText();

        // Before the plan decides: a draft external-review Task and a packet saying when it becomes fileable.
        Response early = post("Task/" + appealId + "/$external-review", "{\"resourceType\":\"Parameters\"}");
        assertThat(early.status()).as(early.body()).isEqualTo(201);
        JsonNode draft = entry(early, 0);
        assertThat(draft.path("status").asText()).isEqualTo("draft");
        assertThat(draft.path("restriction").has("period")).isFalse();
        assertThat(draft.path("partOf").get(0).path("reference").asText()).isEqualTo("Task/" + appealId);
        String earlyPacket = markdown(entry(early, 1));
        assertThat(earlyPacket).contains("Not yet fileable").contains(story.body());
        assertThat(earlyPacket + PayerFacingScan.checklist(entry(early, 1))).contains("It becomes fileable");

        // The investigational denial: the letter asks for the physician certification and the expanded-access letter.
        String letter = markdown(entry(appealed, 1));
        assertThat(letter).contains("investigational").contains("Physician certification that standard therapies")
                .contains("Form FDA 3926").contains("CARC 55");

        recordDecision(appealId, "upheld", story.decidedOn());
        Response review = post("Task/" + appealId + "/$external-review", "{\"resourceType\":\"Parameters\"}");
        assertThat(review.status()).as("the draft is brought up to date: %s", review.body()).isEqualTo(200);
        JsonNode ready = entry(review, 0);
        assertThat(ready.path("id").asText()).isEqualTo(draft.path("id").asText());
        assertThat(ready.path("status").asText()).isEqualTo("ready");
        assertThat(ready.path("restriction").path("period").path("end").asText()).isEqualTo(story.reviewDue());
        JsonNode filing = deadline(ready, "filing", true);
        assertThat(text(filing, "rule")).isEqualTo(story.reviewRule());
        assertThat(text(filing, "verification")).isEqualTo("CONFLICT-UNVERIFIED");
        assertThat(get("Task/" + ready.path("id").asText() + "/_history").json().path("total").asInt())
                .as("draft, requested, ready").isEqualTo(3);
        String packet = markdown(entry(review, 1));
        // The filing rule is in dispute: the deadline and the dispute are for the sender to check, not in the packet.
        assertThat(PayerFacingScan.checklist(entry(review, 1))).contains("File by December 14, 2026").contains("CONFLICT-UNVERIFIED");
        assertThat(packet).contains(story.body()).contains(story.phone()).doesNotContain("Not yet fileable");
    }

    @Test
    default void appealWhenZanzalintinibDeniedInOhioThenSecondLevelAfterTheFirstAndOdiPacketFiledWithTheIssuer() {
        // OH-ODI internalAppeal.filingWindow 180 days: Jul 20, 2026 + 180 = Jan 16, 2027 (EST).
        Story story = new Story(Scenarios.ZANZALINTINIB_OH, null, "55", "2026-07-20T13:00:00-04:00", "standard",
                "2027-01-16T23:59:59-05:00", "OH-ODI internalAppeal.filingWindow", "2026-09-30T15:00:00-04:00",
                // OH-ODI externalReview.filingWindow 180 days from the second-level denial on Nov 10, 2026 = May 9, 2027 (EDT).
                "2027-05-09T23:59:59-04:00", "OH-ODI externalReview.filingWindow",
                "Ohio Department of Insurance (ODI)", "1-800-686-1526");
        String responseId = deniedResponse(story);
        JsonNode first = checkedAppeal(story, responseId);
        recordDecision(first.path("id").asText(), "upheld", story.decidedOn());

        // The first level upheld: the next appeal of the same denial is the second level, its window counted from the
        // first level's decision on Sep 30, 2026: + 180 days = Mar 29, 2027, after daylight saving time starts (EDT).
        Response second = appeal(responseId, "standard");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        JsonNode secondTask = entry(second, 0);
        assertThat(step(secondTask)).isEqualTo(WorkflowSteps.SECOND_LEVEL_APPEAL);
        assertThat(secondTask.path("restriction").path("period").path("end").asText()).isEqualTo("2027-03-29T23:59:59-04:00");
        assertThat(inputs(secondTask, AppealProfiles.PREVIOUS_APPEAL)).containsExactly("Task/" + first.path("id").asText());
        assertThat(text(deadline(secondTask, "decision", true), "step")).isEqualTo("second-level-appeal-decision");
        assertThat(markdown(entry(second, 1))).contains("Second-Level Appeal")
                .contains("The plan's decision upholding the denial on the first-level appeal");

        recordDecision(secondTask.path("id").asText(), "upheld", "2026-11-10T10:00:00-05:00");
        JsonNode review = checkedReview(story, secondTask.path("id").asText(), "2026-11-10T10:00:00-05:00");
        String packet = markdown(get(inputs(review, AppealProfiles.PACKET).get(0)).json());
        assertThat(packet).contains("with the health plan issuer");
    }

    // ---- bad input and flags ----

    @Test
    default void appealWhenResponseApprovedPendedOrUnknownThen4xxOutcomeAndNothingStored() {
        String approved = submit(pasRequest(Scenarios.ALECTINIB_CA, null)).json().path("entry").get(0).path("resource").path("id").asText();
        String pended = submit(pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing")).json().path("entry").get(0)
                .path("resource").path("id").asText();
        Map<String, Integer> before = appealCounts();

        Response r = appeal(approved, "standard");
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(r.body()).contains("approved every item").contains("A1");

        r = appeal(pended, "standard");
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(r.body()).contains("pended").contains("Answer the payer's request").contains("ALK test report");

        r = appeal("no-such-response", "standard");
        assertThat(r.assertOutcome(404)).isEqualTo("OVT-404");

        r = appeal(approved, "whenever");
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(r.body()).contains("standard or expedited");

        assertThat(appealCounts()).isEqualTo(before);
    }

    @Test
    default void appealWhenFiledAfterTheDeadlineThenAllowedButFlagged() {
        Story story = new Story(Scenarios.ALECTINIB_CA, "wrong-diagnosis", "50", "2020-01-15T10:00:00-08:00", "standard",
                // Jan 15, 2020 + 180 days = Jul 13, 2020 (PDT): long past.
                "2020-07-13T23:59:59-07:00", "CA-DMHC internalAppeal.filingWindow", null, null, null, null, null);
        String responseId = deniedResponse(story);
        JsonNode task = checkedAppeal(story, responseId);
        assertThat(lateFlag(task)).isTrue();
        assertThat(task.path("note").toString()).contains("Late: the filing deadline");
        Response again = appeal(responseId, "standard");
        assertThat(again.status()).as("the open appeal is answered again, not made twice").isEqualTo(200);
        assertThat(entry(again, 0).path("id").asText()).isEqualTo(task.path("id").asText());
        Response expedited = appeal(responseId, "expedited");
        assertThat(expedited.assertOutcome(409)).isEqualTo("OVT-409-STEP");
        assertThat(expedited.body()).contains("Task/" + task.path("id").asText()).contains("cancel");
    }

    @Test
    default void appealTaskWhenDecisionRecordedThenVersionedAndAnInvalidTransitionIs409() {
        Story story = new Story(Scenarios.LAROTRECTINIB_CA, "biomarker-negative", "272", "2026-11-16T10:30:00-08:00", "standard",
                "2027-05-15T23:59:59-07:00", "CA-CDI internalAppeal.filingWindow", null, null, null, null, null);
        String taskId = checkedAppeal(story, deniedResponse(story)).path("id").asText();
        recordDecision(taskId, "overturned", "2026-11-30T09:00:00-08:00");
        JsonNode decided = get("Task/" + taskId).json();
        assertThat(decided.path("status").asText()).isEqualTo("completed");
        assertThat(decided.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("overturned");
        assertThat(decided.path("output").get(0).path("valueReference").path("reference").asText()).startsWith("DocumentReference/");
        assertThat(get("Task/" + taskId + "/_history").json().path("total").asInt()).isEqualTo(2);

        ObjectNode reopened = (ObjectNode) decided.deepCopy();
        reopened.put("status", "in-progress");
        Response back = put("Task/" + taskId, reopened.toString());
        assertThat(back.assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
        assertThat(get("Task/" + taskId).json().path("status").asText()).isEqualTo("completed");

        // An overturned denial has nothing left for external review.
        Map<String, Integer> before = appealCounts();
        Response review = post("Task/" + taskId + "/$external-review", "{\"resourceType\":\"Parameters\"}");
        assertThat(review.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(review.body()).contains("overturned");
        assertThat(post("Task/not-a-task/$external-review", "{\"resourceType\":\"Parameters\"}").assertOutcome(404)).isEqualTo("OVT-404");
        assertThat(appealCounts()).isEqualTo(before);
    }

    @Test
    default void appealWhenCaliforniaPpoNamesNoRegulatorThenEarliestDeadlineAndTheDecidingFactIsNoted() {
        Bundle request = pasRequest(Scenarios.LAROTRECTINIB_CA, "wrong-diagnosis");
        for (Bundle.BundleEntryComponent e : request.getEntry()) {
            if (e.getResource() instanceof Coverage coverage) {
                coverage.getClass_().forEach(c -> c.setName("Cigna PPO (synthetic test plan)"));
            }
        }
        Response submitted = submit(request);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String responseId = submitted.json().path("entry").get(0).path("resource").path("id").asText();
        dateResponse(responseId, "2026-11-16T10:30:00-08:00");
        Response r = appeal(responseId, "standard");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode task = entry(r, 0);
        List<String> regimes = new ArrayList<>();
        for (JsonNode d : deadlines(task)) {
            if (text(d, "kind").equals("filing")) {
                regimes.add(text(d, "regime"));
            }
        }
        assertThat(regimes).containsExactlyInAnyOrder("ca-dmhc CA", "ca-cdi CA", "erisa-self-funded (patient in CA)");
        // All three give 180 days counted in California: Nov 16, 2026 + 180 = May 15, 2027.
        assertThat(task.path("restriction").path("period").path("end").asText()).isEqualTo("2027-05-15T23:59:59-07:00");
        assertThat(task.path("note").toString()).contains("The regime is not certain")
                .contains("Whether the plan is self-funded (ERISA) or fully insured");
        assertThat(markdown(entry(r, 1))).contains("Which law governs the plan is not certain");
    }

    @Test
    default void externalReviewWhenAnHmoDoesNotSayHowItIsFundedThenThePacketNamesEveryBodyWithTheFactThatDecides() {
        // An HMO is a Knox-Keene plan (DMHC) unless it is self-funded: nothing on this Coverage says which. Its situs,
        // recorded on the Coverage, gives the state.
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-negative");
        for (Bundle.BundleEntryComponent e : request.getEntry()) {
            if (e.getResource() instanceof Coverage coverage) {
                coverage.getClass_().forEach(c -> c.setName("Cigna HMO (synthetic test plan)"));
                coverage.addExtension(new Extension(RegimeResolver.SITUS, new CodeType("CA")));
            }
        }
        Response submitted = submit(request);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        String responseId = submitted.json().path("entry").get(0).path("resource").path("id").asText();
        dateResponse(responseId, "2026-10-05T09:15:00-07:00");
        Response appealed = appeal(responseId, "standard");
        assertThat(appealed.status()).as(appealed.body()).isEqualTo(201);
        String appealId = entry(appealed, 0).path("id").asText();
        recordDecision(appealId, "upheld", "2026-11-20T14:00:00-08:00");

        Response r = post("Task/" + appealId + "/$external-review", "{\"resourceType\":\"Parameters\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        // Federal external review: 4 months from Nov 20, 2026 = Mar 20, 2027 (PDT), before the IMR's 6 months (May 20).
        JsonNode task = entry(r, 0);
        assertThat(task.path("restriction").path("period").path("end").asText()).isEqualTo("2027-03-20T23:59:59-07:00");
        String packet = markdown(entry(r, 1));
        assertThat(packet).contains("## Which body reviews the denial")
                .contains("depends on whether the plan is self-funded (ERISA) or fully insured")
                .contains("(Independent Medical Review (IMR)) if the plan is fully insured and licensed by DMHC")
                .contains("if the plan is self-funded by the employer")
                .contains("file by May 20, 2027").contains("file by March 20, 2027, the earliest of these dates")
                .contains("State whose law governs the plan: California, from the plan's situs")
                .doesNotContain("If another regime governs the plan");
    }

    @Test
    default void generateLetterWhenKindAppealThenLetterAnswersTheLatestDenialWithoutATask() {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-negative");
        JsonNode response = submit(request).json().path("entry").get(0).path("resource");
        String claimId = response.path("request").path("reference").asText().substring("Claim/".length());
        int tasks = get("Task?focus=ClaimResponse/" + response.path("id").asText() + "&_summary=count").json().path("total").asInt();
        Response r = post("Claim/" + claimId + "/$generate-letter",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"kind\",\"valueCode\":\"appeal\"},"
                        + "{\"name\":\"urgency\",\"valueCode\":\"expedited\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = markdown(r.json());
        assertThat(letter).contains("Request for Expedited Internal Appeal").contains("CARC 272")
                .contains("could seriously jeopardize");
        assertThat(get("Task?focus=ClaimResponse/" + response.path("id").asText() + "&_summary=count").json().path("total").asInt())
                .isEqualTo(tasks);
    }

    @Test
    default void generateLetterWhenStepTherapyExceptionThenCaliforniaLawItsClockAndTheChartGrounds() {
        String claimId = submittedClaim(Scenarios.ALECTINIB_CA, null);
        Response r = letter(claimId, "step-therapy-exception");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = markdown(r.json());
        assertThat(letter).contains("Request for Step-Therapy Exception: Alecensa (alectinib)")
                .doesNotContain("(UNVERIFIED)")
                // CA-DMHC stepTherapy.responseStandard, and deemed granted (H&S 1367.241)
                .contains("within 72 hours of receiving it").contains("deemed granted")
                .contains("Xalkori (crizotinib) was given").contains("stopped: Disease progression");
        // Grounds only a patient guide gives wait on the sender's checklist, to be confirmed in the law itself.
        assertThat(PayerFacingScan.checklist(r.json())).contains("H&S 1367.206").contains("UNVERIFIED");

        String notTried = submittedClaim(Scenarios.ALECTINIB_CA, "step-therapy-not-tried");
        String without = markdown(letter(notTried, "step-therapy-exception").json());
        assertThat(without).contains("records no trial of Xalkori (crizotinib)")
                .contains("REQUIRED, not yet on file: Dated record of Xalkori (crizotinib)");
    }

    @Test
    default void generateLetterWhenExpandedAccessThenFdaChecklistAgainstTheChartAndOnlyForInvestigationalDrugs() {
        String claimId = submittedClaim(Scenarios.ZANZALINTINIB_GA, null);
        Response r = letter(claimId, "expanded-access");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = markdown(r.json());
        assertThat(letter).contains("Request for Single-Patient Expanded Access: zanzalintinib").contains("Exelixis")
                .contains("initials D.A.").contains("serious or immediately life-threatening")
                .contains("not tried:").contains("Form FDA 3926").contains("IRB approval")
                .contains("REQUIRED, not yet on file: The treating physician's statement that the potential benefit justifies the risks")
                .doesNotContain("Desmond");

        String approvedClaim = submittedClaim(Scenarios.ALECTINIB_CA, null);
        Map<String, Integer> before = appealCounts();
        Response approved = letter(approvedClaim, "expanded-access");
        assertThat(approved.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(approved.body()).contains("FDA-approved");
        assertThat(appealCounts()).isEqualTo(before);
    }

    @Test
    default void generateLetterWhenClinicalTrialRoutineCostsThenPhsAct2709AndTheTrialDetailsToObtain() {
        String claimId = submittedClaim(Scenarios.ZANZALINTINIB_OH, null);
        Response r = letter(claimId, "clinical-trial-routine-costs");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = markdown(r.json());
        assertThat(letter).contains("PHS Act section 2709").contains("approved phase I-IV clinical trial")
                .contains("not requested from the plan")
                .contains("REQUIRED, not yet on file: The trial's ClinicalTrials.gov identifier (NCT number)");
    }

    /** Submits a scenario through Claim/$submit and answers the stored Claim's id. */
    default String submittedClaim(Scenario scenario, String variant) {
        Response submitted = submit(pasRequest(scenario, variant));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        return submitted.json().path("entry").get(0).path("resource").path("request").path("reference").asText()
                .substring("Claim/".length());
    }

    default Response letter(String claimId, String kind) {
        return post("Claim/" + claimId + "/$generate-letter",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"kind\",\"valueCode\":\"" + kind + "\"}]}");
    }

    @Test
    default void metadataWhenFetchedThenDeclaresAppealAndExternalReview() {
        JsonNode rest = get("metadata").json().path("rest").get(0);
        List<String> operations = new ArrayList<>();
        for (JsonNode resource : rest.path("resource")) {
            resource.path("operation").forEach(o -> operations.add(resource.path("type").asText() + " " + o.path("name").asText()));
        }
        assertThat(operations).contains("ClaimResponse appeal", "Task external-review");
    }

    // ---- the story, step by step ----

    /** Runs one story from PA request to external-review packet; returns the appeal Task. */
    default JsonNode story(Story story) {
        String responseId = deniedResponse(story);
        JsonNode task = checkedAppeal(story, responseId);
        recordDecision(task.path("id").asText(), "upheld", story.decidedOn());
        checkedReview(story, task.path("id").asText(), story.decidedOn());
        return task;
    }

    /** Submits the scenario through Claim/$submit, checks the sandbox payer denied it, and dates the denial. */
    default String deniedResponse(Story story) {
        Response submitted = submit(pasRequest(story.scenario(), story.variant()));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        JsonNode adjudication = adjudication(submitted.json());
        assertThat(reviewAction(adjudication)).isEqualTo("A3");
        assertThat(adjudication.path("reason").path("coding").get(0).path("code").asText()).isEqualTo(story.carc());
        String responseId = submitted.json().path("entry").get(0).path("resource").path("id").asText();
        dateResponse(responseId, story.deniedOn());
        return responseId;
    }

    /** $appeal, and what the appeal Task and its letter must say. */
    default JsonNode checkedAppeal(Story story, String responseId) {
        JsonNode denial = get("ClaimResponse/" + responseId).json();
        Map<String, Integer> before = appealCounts();
        Response r = appeal(responseId, story.urgency());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Location")).contains("/Task/");
        assertThat(r.json().path("type").asText()).isEqualTo("collection");
        JsonNode task = entry(r, 0);
        JsonNode doc = entry(r, 1);
        assertThat(task.path("resourceType").asText()).isEqualTo("Task");
        assertThat(doc.path("resourceType").asText()).isEqualTo("DocumentReference");
        assertThat(get("Task/" + task.path("id").asText()).status()).isEqualTo(200);
        assertThat(appealCounts()).isEqualTo(Map.of("Task", before.get("Task") + 1, "DocumentReference",
                before.get("DocumentReference") + 1, "Provenance", before.get("Provenance") + 1));

        assertThat(step(task)).isEqualTo(WorkflowSteps.INTERNAL_APPEAL);
        assertThat(task.path("status").asText()).isEqualTo("ready");
        assertThat(task.path("focus").path("reference").asText()).isEqualTo("ClaimResponse/" + responseId);
        assertThat(task.path("for").path("reference").asText()).isEqualTo(denial.path("patient").path("reference").asText());
        assertThat(task.path("requester").path("reference").asText()).isEqualTo(denial.path("requestor").path("reference").asText());
        assertThat(task.path("owner").path("reference").asText()).isEqualTo(denial.path("requestor").path("reference").asText());
        String paTask = get("Task?focus=" + denial.path("request").path("reference").asText()).json().path("entry").get(0)
                .path("resource").path("id").asText();
        assertThat(task.path("partOf").get(0).path("reference").asText()).isEqualTo("Task/" + paTask);
        assertThat(inputs(task, AppealProfiles.APPEAL_LETTER)).containsExactly("DocumentReference/" + doc.path("id").asText());

        // The filing deadline, to the second and with the offset of the state's zone, and its rule.
        String due = task.path("restriction").path("period").path("end").asText();
        assertThat(due).isEqualTo(story.appealDue());
        JsonNode filing = deadline(task, "filing", true);
        assertThat(text(filing, "due")).isEqualTo(story.appealDue());
        assertThat(text(filing, "rule")).isEqualTo(story.appealRule());
        assertThat(text(filing, "citation")).contains(story.appealRule()).contains("jurisdictions.yaml v2");
        assertThat(text(filing, "verification")).isNotBlank();
        assertThat(filing.toString()).contains("\"rulesVersion\"");
        JsonNode decision = deadline(task, "decision", true);
        assertThat(text(decision, "step")).isIn("internal-appeal-decision", "second-level-appeal-decision");
        assertThat(text(decision, "due")).isNotEqualTo(due);
        // Both clocks say which urgency they are for: the plan's urgent clock differs from its standard one.
        assertThat(text(filing, "urgency")).isEqualTo(story.urgency());
        assertThat(text(decision, "urgency")).isEqualTo(story.urgency());
        assertThat(lateFlag(task)).as("late exactly when the deadline has passed").isEqualTo(
                Instant.now().isAfter(OffsetDateTime.parse(story.appealDue()).toInstant()));
        assertThat(get("Task?_id=" + task.path("id").asText() + "&deadline=eq" + story.appealDue().replace("+", "%2B"))
                .json().path("total").asInt()).as("the deadline search finds it").isEqualTo(1);

        // The letter answers each denial reason the payer gave, with its CARC code, and lists the enclosures in order.
        String letter = markdown(doc);
        for (JsonNode note : denial.path("processNote")) {
            String words = note.path("text").asText().replaceFirst("^Denied \\(CARC \\w+\\): ", "").replaceFirst(" \\[[^\\]]*\\]$", "");
            assertThat(letter).contains(words);
        }
        assertThat(letter).contains("CARC " + story.carc()).contains("Denial reason 1");
        // A deadline whose rule is unconfirmed is for the sender to check, not for the payer to read.
        assertThat(letter + PayerFacingScan.checklist(doc)).contains("must be filed by");
        if (story.urgency().equals("expedited")) {
            assertThat(letter).contains("Request for Expedited").contains("expedited (urgent) timeline");
        }
        int denialAt = letter.indexOf("- The payer's denial");
        int records = letter.indexOf("- Medical record: ");
        int attestation = letter.indexOf("- Treating physician's letter and attestation");
        assertThat(denialAt).isPositive();
        assertThat(records).isGreaterThan(denialAt);
        assertThat(attestation).isGreaterThan(records);
        // Every enclosed chart record is named in the letter and is a resource on the server (context.related).
        int citations = 0;
        for (JsonNode related : doc.path("context").path("related")) {
            if (related.hasNonNull("display")) {
                assertThat(letter).contains("- " + related.path("display").asText());
                assertThat(get(related.path("reference").asText()).status()).as("record %s", related).isEqualTo(200);
                citations++;
            }
        }
        assertThat(citations).isGreaterThan(1);
        return task;
    }

    /** Task/$external-review on a decided appeal, and what the external-review Task and packet must say. */
    default JsonNode checkedReview(Story story, String appealId, String decidedOn) {
        Response r = post("Task/" + appealId + "/$external-review", "{\"resourceType\":\"Parameters\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode task = entry(r, 0);
        assertThat(step(task)).isEqualTo(WorkflowSteps.EXTERNAL_REVIEW);
        assertThat(task.path("status").asText()).isEqualTo("ready");
        assertThat(task.path("partOf").get(0).path("reference").asText()).isEqualTo("Task/" + appealId);
        assertThat(task.path("restriction").path("period").path("end").asText()).isEqualTo(story.reviewDue());
        JsonNode filing = deadline(task, "filing", true);
        assertThat(text(filing, "rule")).isEqualTo(story.reviewRule());
        assertThat(OffsetDateTime.parse(text(filing, "from")).toInstant()).as("counted from the final internal denial")
                .isEqualTo(OffsetDateTime.parse(decidedOn).toInstant());
        assertThat(text(deadline(task, "decision", true), "step")).isEqualTo("external-review-decision");
        String packet = markdown(entry(r, 1));
        assertThat(packet).contains(story.body()).contains(story.phone()).contains("File by").contains("## Enclosures")
                .contains("The payer's denial").contains("Every denial letter and all correspondence")
                .contains("## Which body reviews the denial").contains("State whose law governs the plan: ")
                .doesNotContain("(regime ");
        Response again = post("Task/" + appealId + "/$external-review", "{\"resourceType\":\"Parameters\"}");
        assertThat(again.status()).as("asking again answers the same Task").isEqualTo(200);
        assertThat(entry(again, 0).path("id").asText()).isEqualTo(task.path("id").asText());
        return task;
    }

    /** Records the payer's answer to an appeal: completed, with the decision, its date and the decision letter. */
    default void recordDecision(String taskId, String outcome, String decidedOn) {
        String letter = create("DocumentReference", "{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                + "\"description\":\"Payer's appeal decision (synthetic)\",\"content\":[{\"attachment\":{\"contentType\":\"text/plain\","
                + "\"data\":\"" + Base64.getEncoder().encodeToString(("Appeal " + outcome).getBytes(StandardCharsets.UTF_8)) + "\"}}]}");
        ObjectNode task = (ObjectNode) get("Task/" + taskId).json();
        task.put("status", "completed");
        task.putObject("businessStatus").putArray("coding").addObject()
                .put("system", AppealProfiles.BUSINESS_STATUS).put("code", outcome);
        task.putObject("executionPeriod").put("end", decidedOn);
        ObjectNode output = task.putArray("output").addObject();
        output.putObject("type").putArray("coding").addObject().put("system", AppealProfiles.TASK_CODES).put("code", AppealProfiles.DECISION);
        output.putObject("valueReference").put("reference", "DocumentReference/" + letter);
        Response r = put("Task/" + taskId, task.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    default Response appeal(String responseId, String urgency) {
        return post("ClaimResponse/" + responseId + "/$appeal",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"urgency\",\"valueCode\":\"" + urgency + "\"}]}");
    }

    /** Sets the denial's date, as a payer's letter would carry it. */
    default void dateResponse(String responseId, String created) {
        ObjectNode response = (ObjectNode) get("ClaimResponse/" + responseId).json();
        response.put("created", created);
        Response r = put("ClaimResponse/" + responseId, response.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    default Map<String, Integer> appealCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String type : APPEAL_TYPES) {
            counts.put(type, get(type + "?_summary=count").json().path("total").asInt());
        }
        return counts;
    }

    static JsonNode entry(Response r, int i) {
        return r.json().path("entry").get(i).path("resource");
    }

    static String step(JsonNode task) {
        return task.path("code").path("coding").get(0).path("code").asText();
    }

    static List<JsonNode> deadlines(JsonNode task) {
        List<JsonNode> out = new ArrayList<>();
        task.path("extension").forEach(e -> {
            if (e.path("url").asText().equals(AppealProfiles.DEADLINE)) {
                out.add(e);
            }
        });
        return out;
    }

    /** The deadline extension of a kind (filing, decision) that is, or is not, the one to act on. */
    static JsonNode deadline(JsonNode task, String kind, boolean actOn) {
        return deadlines(task).stream()
                .filter(d -> text(d, "kind").equals(kind) && text(d, "actOn").equals(String.valueOf(actOn)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " deadline in " + task));
    }

    /** A sub-extension's value as text. */
    static String text(JsonNode extension, String name) {
        for (JsonNode sub : extension.path("extension")) {
            if (sub.path("url").asText().equals(name)) {
                var fields = sub.fields();
                while (fields.hasNext()) {
                    var f = fields.next();
                    if (f.getKey().startsWith("value")) {
                        return f.getValue().asText();
                    }
                }
            }
        }
        return "";
    }

    static boolean lateFlag(JsonNode task) {
        for (JsonNode e : task.path("extension")) {
            if (e.path("url").asText().equals(AppealProfiles.FILING_LATE)) {
                return e.path("valueBoolean").asBoolean();
            }
        }
        return false;
    }

    static List<String> inputs(JsonNode task, String code) {
        List<String> out = new ArrayList<>();
        for (JsonNode input : task.path("input")) {
            if (input.path("type").path("coding").get(0).path("code").asText().equals(code)) {
                out.add(input.path("valueReference").path("reference").asText());
            }
        }
        return out;
    }

    /** The document's Markdown; every generated document read here is first scanned for internal marks. */
    static String markdown(JsonNode doc) {
        PayerFacingScan.document(doc);
        String data = doc.path("content").get(0).path("attachment").path("data").asText();
        return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }
}
