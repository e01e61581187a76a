package org.overturn.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ReadOnlyStore;
import org.overturn.workflow.AppealProfiles;

/**
 * Where the case stands, as the patient summary reads it from the payer's response and the step Tasks. The wording of
 * the summary is PatientSummaryComposerTest's; reading the case from the store is the summary's contract test's.
 */
class PatientSummaryServiceTest {
    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
    private static final Instant NOW = Instant.parse("2026-10-01T17:00:00Z");

    /** A ClaimResponse item with the X12 306 review action the payer answered, and the CARC reason when it gives one. */
    private static void item(ClaimResponse response, int sequence, String action, String carc, String reason) {
        ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(sequence).addAdjudication();
        adjudication.setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        Extension review = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        review.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, action, null)));
        if (carc != null) {
            adjudication.setReason(new CodeableConcept(new Coding(PasProfiles.CARC, carc, reason)));
        }
    }

    private static ClaimResponse response(String created) {
        ClaimResponse response = new ClaimResponse();
        response.setId("cr1");
        response.setCreated(Date.from(Instant.parse(created)));
        return response;
    }

    /** A workflow-deadline extension as the appeal workflow writes it on a step Task. */
    private static Extension deadline(String kind, String due, String verification, boolean actOn) {
        Extension e = new Extension(AppealProfiles.DEADLINE);
        e.addExtension("kind", new CodeType(kind));
        e.addExtension("due", new DateTimeType(due));
        e.addExtension("citation", new StringType("CA Ins. Code 10169 (synthetic citation)"));
        e.addExtension("verification", new CodeType(verification));
        e.addExtension("actOn", new BooleanType(actOn));
        return e;
    }

    private static Task task(Extension... deadlines) {
        Task t = new Task();
        t.setId("t1");
        for (Extension e : deadlines) {
            t.addExtension(e);
        }
        return t;
    }

    @Test
    void summarizeWhenTheClaimIsNotAPriorAuthorizationThenRefusedNamingItsUse() {
        Claim claim = new Claim().setUse(Claim.Use.CLAIM);
        claim.setId("c1");
        PatientSummaryService service = new PatientSummaryService(ReadOnlyStore.of(claim), null, null, null, null, null, null, null,
                Clock.fixed(NOW, ZoneOffset.UTC));

        OverturnException e = catchThrowableOfType(() -> service.summarize("c1"), OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(e.getMessage()).contains("Claim/c1 is not a prior authorization request").contains("Claim.use is claim");
        assertThat(e.expression()).isEqualTo("Claim.use");
    }

    @Test
    void decisionWhenDeniedThenTheDayInThePatientsZoneAndAtMostThreeDistinctReasons() {
        // 03:00 UTC on September 15 is still September 14 in California.
        ClaimResponse denied = response("2026-09-15T03:00:00Z");
        item(denied, 1, "A3", "50", "Not deemed a medical necessity");
        item(denied, 2, "A3", "50", "Not deemed a medical necessity");
        item(denied, 3, "A3", "56", "Not proven effective");
        item(denied, 4, "A3", "197", "Precertification absent");
        item(denied, 5, "A3", "272", "Coverage guideline not met");

        PatientSummaryComposer.Decision decision = PatientSummaryService.decision(denied, LOS_ANGELES);

        assertThat(decision).isInstanceOfSatisfying(PatientSummaryComposer.Denied.class, d -> {
            assertThat(d.ref()).isEqualTo("ClaimResponse/cr1");
            assertThat(d.on()).isEqualTo(LocalDate.of(2026, 9, 14));
            assertThat(d.reasons()).hasSize(3).doesNotHaveDuplicates().startsWith("Not deemed a medical necessity");
        });
        assertThat(((PatientSummaryComposer.Denied) PatientSummaryService.decision(denied, ZoneOffset.UTC)).on())
                .isEqualTo(LocalDate.of(2026, 9, 15));
    }

    @Test
    void decisionWhenApprovedPendedUndecidedOrNoResponseThenSaidSo() {
        ClaimResponse approved = response("2026-09-14T18:00:00Z").setPreAuthRef("AUTH-0042");
        item(approved, 1, "A1", null, null);
        assertThat(PatientSummaryService.decision(approved, LOS_ANGELES))
                .isEqualTo(new PatientSummaryComposer.Approved("ClaimResponse/cr1", LocalDate.of(2026, 9, 14), "AUTH-0042"));

        ClaimResponse pended = response("2026-09-14T18:00:00Z");
        item(pended, 1, "A4", null, null);
        pended.getItemFirstRep().addNoteNumber(1);
        pended.addProcessNote().setNumber(1).setText("Pended: send the ALK test report");
        assertThat(PatientSummaryService.decision(pended, LOS_ANGELES)).isInstanceOfSatisfying(PatientSummaryComposer.Waiting.class,
                w -> assertThat(w.asksFor()).anyMatch(n -> n.contains("ALK test report")));

        ClaimResponse silent = response("2026-09-14T18:00:00Z");
        silent.addItem().setItemSequence(1).addAdjudication();
        assertThat(PatientSummaryService.decision(silent, LOS_ANGELES))
                .isEqualTo(new PatientSummaryComposer.Waiting("ClaimResponse/cr1", List.of()));

        assertThat(PatientSummaryService.decision(null, LOS_ANGELES)).isInstanceOf(PatientSummaryComposer.NoAnswer.class);
    }

    @Test
    void taskDeadlinesWhenAnAppealHasAFilingDeadlineThenTheDoctorMustSendItByThatDayInTheZoneItWasCountedIn() {
        Task t = task(deadline("filing", "2027-03-13T23:59:59-07:00", "verified", true),
                deadline("decision", "2027-04-12T23:59:59-07:00", "verified", false));

        List<PatientSummaryComposer.Due> due = PatientSummaryService.taskDeadlines(t, "an appeal", "Example Health Plan", NOW);

        assertThat(due).as("only the deadline to act on").singleElement().satisfies(d -> {
            assertThat(d.what()).isEqualTo("Your doctor must send an appeal by");
            assertThat(d.by().toLocalDateTime()).isEqualTo(LocalDateTime.of(2027, 3, 13, 23, 59, 59));
            assertThat(d.by().toInstant()).isEqualTo(Instant.parse("2027-03-14T06:59:59Z"));
            assertThat(d.citation()).contains("CA Ins. Code 10169").endsWith("(on Task/t1)");
            assertThat(d.doubtful()).isFalse();
            assertThat(d.passed()).isFalse();
        });
    }

    @Test
    void taskDeadlinesWhenAnOutsideReviewThenTheReviewerMustAnswerAndAnUnverifiedClockIsDoubtful() {
        Task t = task(deadline("decision", "2026-11-15T23:59:59-08:00", "UNVERIFIED", true));

        List<PatientSummaryComposer.Due> due = PatientSummaryService.taskDeadlines(t, "an outside review", "Example Health Plan", NOW);

        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.what()).isEqualTo("The outside reviewer must answer by about");
            assertThat(d.doubtful()).isTrue();
        });
        // As the law's own clocks are marked: a secondary source is not doubtful, an unknown label is.
        assertThat(PatientSummaryService.taskDeadlines(task(deadline("decision", "2026-11-15T23:59:59-08:00", "secondary", true)),
                "an outside review", "Example Health Plan", NOW)).singleElement().satisfies(d -> assertThat(d.doubtful()).isFalse());
        assertThat(PatientSummaryService.taskDeadlines(task(deadline("decision", "2026-11-15T23:59:59-08:00", "CONFLICT-UNVERIFIED", true)),
                "an outside review", "Example Health Plan", NOW)).singleElement().satisfies(d -> assertThat(d.doubtful()).isTrue());
        assertThat(PatientSummaryService.taskDeadlines(task(deadline("decision", "2026-11-15T23:59:59-08:00", "guessed", true)),
                "an outside review", "Example Health Plan", NOW)).singleElement().satisfies(d -> assertThat(d.doubtful()).isTrue());
        assertThat(PatientSummaryService.taskDeadlines(task(deadline("decision", "2026-11-15T23:59:59-08:00", "verified", true)),
                "an appeal", "Example Health Plan", NOW)).singleElement()
                .satisfies(d -> assertThat(d.what()).isEqualTo("Example Health Plan must answer an appeal by about"));
        assertThat(PatientSummaryService.taskDeadlines(task(deadline("filing", "2026-11-15T23:59:59-08:00", "verified", true)),
                "an outside review", "Example Health Plan", NOW)).singleElement()
                .satisfies(d -> assertThat(d.what()).isEqualTo("The outside review must be asked for by"));
    }

    @Test
    void taskDeadlinesWhenTheDayHasPassedThenOnlyAMissedFilingIsPassed() {
        Instant later = Instant.parse("2027-01-01T00:00:00Z");
        Task t = task(deadline("filing", "2026-11-15T23:59:59-08:00", "verified", true),
                deadline("decision", "2026-12-15T23:59:59-08:00", "verified", true));

        List<PatientSummaryComposer.Due> due = PatientSummaryService.taskDeadlines(t, "an appeal", "Example Health Plan", later);

        // A late answer is the plan's to explain; only a filing the doctor missed is shown as passed.
        assertThat(due).extracting(PatientSummaryComposer.Due::what, PatientSummaryComposer.Due::passed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Your doctor must send an appeal by", true),
                org.assertj.core.groups.Tuple.tuple("Example Health Plan must answer an appeal by about", false));
    }
}
