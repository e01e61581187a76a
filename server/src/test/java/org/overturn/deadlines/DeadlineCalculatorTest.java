package org.overturn.deadlines;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.law.JurisdictionRules.RuleDuration;
import org.overturn.law.JurisdictionRules.Unit;
import org.overturn.law.JurisdictionRules.Verification;
import org.overturn.law.Law;
import org.overturn.law.LawLoader;
import org.overturn.law.RegulatorKind;

/**
 * Deadlines against the shared state-rules data, case by case. Every expected instant was worked out by hand from the
 * rules file: the event's local date in the state's zone, plus the duration, at 23:59:59 local time (hours: exact).
 * 2026-01-15T18:00:00Z is a Thursday: 10:00 in Los Angeles, 12:00 in Chicago, 13:00 in New York. US daylight saving
 * time runs from 2026-03-08 to 2026-11-01 (PDT = UTC-7, CDT = UTC-5, EDT = UTC-4).
 */
class DeadlineCalculatorTest {
    private static final Law LAW = LawLoader.load(KnowledgeLoader.load());
    private final DeadlineCalculator calculator = new DeadlineCalculator(LAW);

    @ParameterizedTest(name = "{0} {1} {2} {3} from {4} -> {5} ({6} {7}, {8})")
    @CsvSource(delimiter = '|', textBlock = """
        # regime                   | state | step                            | urgency   | event                | due                  | rule             | clock                                      | verification
        # California DMHC: H&S 1367.241 (PA), 1368.01 (grievance), IMR 6 months, 30 / 3 days
        ca-dmhc                    | CA    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | CA-DMHC          | rxPriorAuth.standard                       | VERIFIED
        ca-dmhc                    | CA    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-16T18:00:00Z | CA-DMHC          | rxPriorAuth.exigent                        | VERIFIED
        ca-dmhc                    | CA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T06:59:59Z | CA-DMHC          | internalAppeal.filingWindow                | UNVERIFIED
        ca-dmhc                    | CA    | INTERNAL_APPEAL_FILING          | EXPEDITED | 2026-01-15T18:00:00Z | 2026-07-15T06:59:59Z | CA-DMHC          | internalAppeal.filingWindow                | UNVERIFIED
        ca-dmhc                    | CA    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T07:59:59Z | CA-DMHC          | internalAppeal.decisionStandard            | VERIFIED
        ca-dmhc                    | CA    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-19T07:59:59Z | CA-DMHC          | internalAppeal.decisionUrgent              | VERIFIED
        ca-dmhc                    | CA    | SECOND_LEVEL_APPEAL_DECISION    | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T07:59:59Z | ERISA-2560.503-1 | internalAppeal.decisionPreServicePerLevel  | UNVERIFIED
        ca-dmhc                    | CA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-16T06:59:59Z | CA-DMHC          | externalReview.filingWindow                | VERIFIED
        ca-dmhc                    | CA    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T07:59:59Z | CA-DMHC          | externalReview.decisionStandard            | VERIFIED
        ca-dmhc                    | CA    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-19T07:59:59Z | CA-DMHC          | externalReview.decisionExpedited           | VERIFIED
        ca-dmhc                    | CA    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | CA-DMHC          | stepTherapy.responseStandard               | SECONDARY
        ca-dmhc                    | CA    | STEP_THERAPY_EXCEPTION_DECISION | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-16T18:00:00Z | CA-DMHC          | stepTherapy.responseUrgent                 | SECONDARY
        # California CDI
        ca-cdi                     | CA    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | CA-CDI           | rxPriorAuth.standard                       | UNVERIFIED
        ca-cdi                     | CA    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-16T18:00:00Z | CA-CDI           | rxPriorAuth.exigent                        | UNVERIFIED
        ca-cdi                     | CA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T06:59:59Z | CA-CDI           | internalAppeal.filingWindow                | SECONDARY
        ca-cdi                     | CA    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T07:59:59Z | CA-CDI           | internalAppeal.decisionStandard            | SECONDARY
        ca-cdi                     | CA    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | CA-CDI           | internalAppeal.decisionUrgent              | SECONDARY
        ca-cdi                     | CA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-16T06:59:59Z | CA-CDI           | externalReview.filingWindow                | SECONDARY
        ca-cdi                     | CA    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T07:59:59Z | CA-CDI           | externalReview.decisionStandard            | SECONDARY
        ca-cdi                     | CA    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-19T07:59:59Z | CA-CDI           | externalReview.decisionExpedited           | SECONDARY
        ca-cdi                     | CA    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | CA-CDI           | stepTherapy.responseStandard               | UNVERIFIED
        # Georgia OCI (New York zone); external review window disputed: 120 days, 60 days, 4 months -> 60 days
        state-insurance-department | GA    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-23T04:59:59Z | GA-OCI           | rxPriorAuth.standard                       | SECONDARY
        state-insurance-department | GA    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | GA-OCI           | rxPriorAuth.urgent                         | SECONDARY
        state-insurance-department | GA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | GA-OCI           | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | GA    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | GA-OCI           | internalAppeal.decisionStandard            | SECONDARY
        state-insurance-department | GA    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | GA-OCI           | internalAppeal.decisionUrgent              | SECONDARY
        state-insurance-department | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-03-17T03:59:59Z | GA-OCI           | externalReview.filingWindow                | CONFLICT_UNVERIFIED
        state-insurance-department | GA    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | GA-OCI           | externalReview.decisionStandard            | SECONDARY
        state-insurance-department | GA    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | GA-OCI           | externalReview.decisionExpedited           | SECONDARY
        state-insurance-department | GA    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | GA-OCI           | stepTherapy.responseStandard               | SECONDARY
        state-insurance-department | GA    | STEP_THERAPY_EXCEPTION_DECISION | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-16T18:00:00Z | GA-OCI           | stepTherapy.responseUrgent                 | SECONDARY
        # Ohio ODI: PA 10 calendar days / 48 h (ORC 3923.041, 1751.72), before the federal floor of 15 days / 72 h
        state-insurance-department | OH    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-26T04:59:59Z | OH-ODI           | priorAuth.standard                         | SECONDARY
        state-insurance-department | OH    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-17T18:00:00Z | OH-ODI           | priorAuth.urgent                           | SECONDARY
        state-insurance-department | OH    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | OH-ODI           | internalAppeal.filingWindow                | UNVERIFIED
        state-insurance-department | OH    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | OH-ODI           | internalAppeal.decisionStandard            | UNVERIFIED
        state-insurance-department | OH    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | OH-ODI           | internalAppeal.decisionUrgent              | UNVERIFIED
        # External review: filed within 180 days (ORC 3922.02); IRO decision disputed, 30 days (seed 001) or 45 -> 30
        state-insurance-department | OH    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | OH-ODI           | externalReview.filingWindow                | VERIFIED
        state-insurance-department | OH    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | OH-ODI           | externalReview.decisionStandard            | CONFLICT_UNVERIFIED
        state-insurance-department | OH    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | OH-ODI           | externalReview.decisionExpedited           | SECONDARY
        state-insurance-department | OH    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-26T04:59:59Z | OH-ODI           | stepTherapy.responseStandard               | SECONDARY
        state-insurance-department | OH    | STEP_THERAPY_EXCEPTION_DECISION | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-17T18:00:00Z | OH-ODI           | stepTherapy.responseUrgent                 | SECONDARY
        # New York DFS: 3 business days from Thursday = Tuesday; expedited appeal: 2 business days, capped at 72 h
        state-insurance-department | NY    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-21T04:59:59Z | NY-DFS           | priorAuth.utilizationReviewDecision        | SECONDARY
        state-insurance-department | NY    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | NY-DFS           | priorAuth.urgent                           | SECONDARY
        state-insurance-department | NY    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | NY-DFS           | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | NY    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | NY-DFS           | internalAppeal.decisionStandard            | SECONDARY
        state-insurance-department | NY    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | NY-DFS           | internalAppeal.decisionUrgentCap           | SECONDARY
        state-insurance-department | NY    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T03:59:59Z | NY-DFS           | externalReview.filingWindow                | VERIFIED
        state-insurance-department | NY    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | NY-DFS           | externalReview.decisionStandard            | VERIFIED
        state-insurance-department | NY    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | NY-DFS           | externalReview.decisionExpedited           | VERIFIED
        state-insurance-department | NY    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | NY-DFS           | stepTherapy.responseStandard               | SECONDARY
        state-insurance-department | NY    | STEP_THERAPY_EXCEPTION_DECISION | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-16T18:00:00Z | NY-DFS           | stepTherapy.responseUrgent                 | UNVERIFIED
        # Texas TDI (Chicago zone): no expedited internal-appeal value, so the ACA floor of 72 h
        state-insurance-department | TX    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T05:59:59Z | ERISA-2560.503-1 | initialDecision.preService                 | UNVERIFIED
        state-insurance-department | TX    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T04:59:59Z | TX-TDI           | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | TX    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T05:59:59Z | TX-TDI           | internalAppeal.decisionStandard            | SECONDARY
        state-insurance-department | TX    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | ACA-147.136      | internalAppeal.decisionUrgent              | UNVERIFIED
        state-insurance-department | TX    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T04:59:59Z | TX-TDI           | externalReview.filingWindow                | SECONDARY
        state-insurance-department | TX    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-05T05:59:59Z | TX-TDI           | externalReview.decisionStandard            | VERIFIED
        state-insurance-department | TX    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-19T05:59:59Z | TX-TDI           | externalReview.decisionExpedited           | VERIFIED
        state-insurance-department | TX    | STEP_THERAPY_EXCEPTION_DECISION | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | TX-TDI           | stepTherapy.responseStandard               | UNVERIFIED
        # Florida DFS: federal external review values, disputed
        state-insurance-department | FL    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T04:59:59Z | ERISA-2560.503-1 | initialDecision.preService                 | UNVERIFIED
        state-insurance-department | FL    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | FL-DFS           | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | FL    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | ACA-147.136      | internalAppeal.decisionPreService          | UNVERIFIED
        state-insurance-department | FL    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | FL-DFS           | internalAppeal.decisionUrgent              | SECONDARY
        state-insurance-department | FL    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T03:59:59Z | FL-DFS           | externalReview.filingWindow                | CONFLICT_UNVERIFIED
        state-insurance-department | FL    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-03-02T04:59:59Z | FL-DFS           | externalReview.decisionStandard            | CONFLICT_UNVERIFIED
        state-insurance-department | FL    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | FL-DFS           | externalReview.decisionExpedited           | CONFLICT_UNVERIFIED
        # Pennsylvania PID
        state-insurance-department | PA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | PA-PID           | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | PA    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | ACA-147.136      | internalAppeal.decisionPreService          | UNVERIFIED
        state-insurance-department | PA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T03:59:59Z | PA-PID           | externalReview.filingWindow                | UNVERIFIED
        state-insurance-department | PA    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-03-02T04:59:59Z | PA-PID           | externalReview.decisionStandard            | UNVERIFIED
        state-insurance-department | PA    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | PA-PID           | externalReview.decisionExpedited           | UNVERIFIED
        # Illinois IDOI (Chicago zone): expedited appeal 48 h; no standard appeal value, so the ACA floor
        state-insurance-department | IL    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T04:59:59Z | IL-IDOI          | internalAppeal.filingWindow                | SECONDARY
        state-insurance-department | IL    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T05:59:59Z | ACA-147.136      | internalAppeal.decisionPreService          | UNVERIFIED
        state-insurance-department | IL    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-17T18:00:00Z | IL-IDOI          | internalAppeal.decisionUrgent              | SECONDARY
        state-insurance-department | IL    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T04:59:59Z | IL-IDOI          | externalReview.filingWindow                | SECONDARY
        state-insurance-department | IL    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-03-02T05:59:59Z | IL-IDOI          | externalReview.decisionStandard            | SECONDARY
        state-insurance-department | IL    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | IL-IDOI          | externalReview.decisionExpedited           | SECONDARY
        # Self-funded ERISA (patient in GA, so New York zone); external review is the federal one of 45 CFR 147.136
        erisa-self-funded          | GA    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T04:59:59Z | ERISA-2560.503-1 | initialDecision.preService                 | SECONDARY
        erisa-self-funded          | GA    | INITIAL_DECISION                | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | ERISA-2560.503-1 | initialDecision.urgent                     | SECONDARY
        erisa-self-funded          | GA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | ERISA-2560.503-1 | internalAppeal.filingWindow                | SECONDARY
        erisa-self-funded          | GA    | INTERNAL_APPEAL_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-02-15T04:59:59Z | ERISA-2560.503-1 | internalAppeal.decisionPreService          | SECONDARY
        erisa-self-funded          | GA    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | ERISA-2560.503-1 | internalAppeal.decisionUrgent              | SECONDARY
        erisa-self-funded          | GA    | SECOND_LEVEL_APPEAL_DECISION    | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T04:59:59Z | ERISA-2560.503-1 | internalAppeal.decisionPreServicePerLevel  | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T03:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_DECISION        | STANDARD  | 2026-01-15T18:00:00Z | 2026-03-02T04:59:59Z | ACA-147.136      | externalReviewFederal.decisionStandard     | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | ACA-147.136      | externalReviewFederal.decisionExpedited    | SECONDARY
        erisa-self-funded          | CA    | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T06:59:59Z | ERISA-2560.503-1 | internalAppeal.filingWindow                | SECONDARY
        erisa-self-funded          |       | INTERNAL_APPEAL_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-07-15T03:59:59Z | ERISA-2560.503-1 | internalAppeal.filingWindow                | SECONDARY
        # ACA federal external review: the initial clocks come from 29 CFR 2560.503-1 through 45 CFR 147.136(b)
        aca-federal-external-review | FL    | INITIAL_DECISION                | STANDARD  | 2026-01-15T18:00:00Z | 2026-01-31T04:59:59Z | ERISA-2560.503-1 | initialDecision.preService                 | SECONDARY
        aca-federal-external-review | FL    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-15T18:00:00Z | 2026-05-16T03:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        aca-federal-external-review | FL    | EXTERNAL_REVIEW_DECISION        | EXPEDITED | 2026-01-15T18:00:00Z | 2026-01-18T18:00:00Z | ACA-147.136      | externalReviewFederal.decisionExpedited    | SECONDARY
        # Business days across a weekend (NY, 3 business days): Friday, Saturday, and Friday 22:00 local (Saturday UTC)
        state-insurance-department | NY    | INITIAL_DECISION                | STANDARD  | 2026-01-16T18:00:00Z | 2026-01-22T04:59:59Z | NY-DFS           | priorAuth.utilizationReviewDecision        | SECONDARY
        state-insurance-department | NY    | INITIAL_DECISION                | STANDARD  | 2026-01-17T15:00:00Z | 2026-01-22T04:59:59Z | NY-DFS           | priorAuth.utilizationReviewDecision        | SECONDARY
        state-insurance-department | NY    | INITIAL_DECISION                | STANDARD  | 2026-01-17T03:00:00Z | 2026-01-22T04:59:59Z | NY-DFS           | priorAuth.utilizationReviewDecision        | SECONDARY
        # State month clocks keep the last day of a shorter month (their counting rule is not on file): Jan 31 + 4 months =
        # May 31; Oct 31 + 4 months = Feb 28 (2027); Aug 31 + 6 months = Feb 29 (2028)
        state-insurance-department | NY    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-31T17:00:00Z | 2026-06-01T03:59:59Z | NY-DFS           | externalReview.filingWindow                | VERIFIED
        state-insurance-department | NY    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-10-31T16:00:00Z | 2027-03-01T04:59:59Z | NY-DFS           | externalReview.filingWindow                | VERIFIED
        ca-dmhc                    | CA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2027-08-31T19:00:00Z | 2028-03-01T07:59:59Z | CA-DMHC          | externalReview.filingWindow                | VERIFIED
        # Federal external review, 4 months from the notice (45 CFR 147.136(d)(2)(i), 29 CFR 2590.715-2719(d)(2)(i)): the same
        # day number four months on, or, when that month has no such day, the first day of the fifth month
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-10-30T16:00:00Z | 2027-03-02T04:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-10-31T16:00:00Z | 2027-03-02T04:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-10-28T16:00:00Z | 2027-03-01T04:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2027-10-29T16:00:00Z | 2028-03-01T04:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2027-10-30T16:00:00Z | 2028-03-02T04:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-05-31T16:00:00Z | 2026-10-02T03:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        erisa-self-funded          | GA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-06-30T16:00:00Z | 2026-10-31T03:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        aca-federal-external-review | FL    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-31T17:00:00Z | 2026-06-01T03:59:59Z | ACA-147.136      | externalReviewFederal.filingWindow         | SECONDARY
        # The local date counts: 2026-01-31T03:00Z is Jan 30, 19:00 in Los Angeles, so Jul 30
        ca-dmhc                    | CA    | EXTERNAL_REVIEW_FILING          | STANDARD  | 2026-01-31T03:00:00Z | 2026-07-31T06:59:59Z | CA-DMHC          | externalReview.filingWindow                | VERIFIED
        # Across the start of daylight saving time: days end at local midnight, hours are exact
        ca-dmhc                    | CA    | INTERNAL_APPEAL_DECISION        | EXPEDITED | 2026-03-07T18:00:00Z | 2026-03-11T06:59:59Z | CA-DMHC          | internalAppeal.decisionUrgent              | VERIFIED
        ca-dmhc                    | CA    | INITIAL_DECISION                | STANDARD  | 2026-03-07T18:00:00Z | 2026-03-10T18:00:00Z | CA-DMHC          | rxPriorAuth.standard                       | VERIFIED
        """)
    void computeWhenRegimeStepAndEventGivenThenTheRuleSetsTheDeadline(
            String kind, String state, Step step, Urgency urgency, Instant event, Instant due, String rule, String clock,
            Verification verification) {
        DeadlineSchedule schedule = calculator.compute(regime(kind, state), event, step, urgency);

        assertThat(schedule.gaps()).isEmpty();
        assertThat(schedule.ambiguous()).isFalse();
        Deadline deadline = schedule.actOn().orElseThrow();
        assertThat(deadline.due()).isEqualTo(due);
        assertThat(deadline.ruleId()).isEqualTo(rule);
        assertThat(deadline.clock()).isEqualTo(clock);
        assertThat(deadline.verification()).isEqualTo(verification);
        assertThat(deadline.kind()).isEqualTo(step.kind());
        assertThat(deadline.source()).isNotBlank();
        assertThat(deadline.rulesVersion()).isEqualTo(2);
    }

    @Test
    void computeWhenASeedGuideDisagreesWithTheStatuteThenTheStatuteIsUsedAndCited() {
        Instant thursday = Instant.parse("2026-01-15T18:00:00Z");
        // Seed 002 says 5 business days for a CA PA; H&S 1367.241 says 72 hours.
        Deadline pa = only(calculator.compute(regime("ca-dmhc", "CA"), thursday, Step.INITIAL_DECISION, Urgency.STANDARD));
        assertThat(pa.duration()).isEqualTo(new RuleDuration(72, Unit.HOURS));
        assertThat(pa.source()).contains("1367.241");
        assertThat(pa.citation()).isEqualTo("CA-DMHC rxPriorAuth.standard (72 hours), jurisdictions.yaml v2: CA H&S §1367.241 (california.public.law)");
        // The seeds say IMR takes 45 / 7 days; DMHC says 30 / 3.
        Deadline imr = only(calculator.compute(regime("ca-dmhc", "CA"), thursday, Step.EXTERNAL_REVIEW_DECISION, Urgency.STANDARD));
        assertThat(imr.duration()).isEqualTo(new RuleDuration(30, Unit.DAYS));
        assertThat(imr.source()).contains("dmhc.ca.gov");
        // Seed 000 says 5 business days for a GA PA; O.C.G.A. 33-46-26 says 7 calendar days.
        Deadline ga = only(calculator.compute(regime("state-insurance-department", "GA"), thursday, Step.INITIAL_DECISION, Urgency.STANDARD));
        assertThat(ga.duration()).isEqualTo(new RuleDuration(7, Unit.CALENDAR_DAYS));
        assertThat(ga.source()).contains("33-46-26");
    }

    @Test
    void computeWhenFourMonthsLaterHasNoSuchDayThenTheFederalWindowEndsOnTheFirstDayOfTheFifthMonthAndSaysWhy() {
        // Notice received Oct 30, 2026: there is no Feb 30, 2027, so the request is due by Mar 1, 2027 (the rule's own example).
        Deadline federal = only(calculator.compute(regime("erisa-self-funded", "GA"),
                Instant.parse("2026-10-30T16:00:00Z"), Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD));

        assertThat(federal.localDue().toLocalDate()).isEqualTo(java.time.LocalDate.of(2027, 3, 1));
        assertThat(federal.source()).contains("45 CFR 147.136(d)(2)(i)").contains("29 CFR 2590.715-2719(d)(2)(i)");
        assertThat(federal.notes()).anyMatch(n -> n.contains("no February 30, 2027") && n.contains("March 1, 2027"));
        // A state's own month clock is not read the federal way: New York's 4 months from Oct 31 stay Feb 28.
        Deadline ny = only(calculator.compute(regime("state-insurance-department", "NY"),
                Instant.parse("2026-10-31T16:00:00Z"), Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD));
        assertThat(ny.localDue().toLocalDate()).isEqualTo(java.time.LocalDate.of(2027, 2, 28));
        assertThat(ny.notes()).noneMatch(n -> n.contains("no February"));
    }

    @ParameterizedTest(name = "{0} + {1} months, {2} -> {3}")
    @CsvSource({
        "2026-10-30, 4, LAST_DAY_OF_MONTH,       2027-02-28",
        "2026-10-30, 4, FIRST_DAY_OF_NEXT_MONTH, 2027-03-01",
        "2026-10-31, 4, FIRST_DAY_OF_NEXT_MONTH, 2027-03-01",
        "2026-10-28, 4, FIRST_DAY_OF_NEXT_MONTH, 2027-02-28",
        "2027-10-29, 4, FIRST_DAY_OF_NEXT_MONTH, 2028-02-29",
        "2027-10-31, 4, FIRST_DAY_OF_NEXT_MONTH, 2028-03-01",
        "2026-12-31, 2, FIRST_DAY_OF_NEXT_MONTH, 2027-03-01",
        "2026-08-31, 1, FIRST_DAY_OF_NEXT_MONTH, 2026-10-01",
        "2026-01-31, 4, FIRST_DAY_OF_NEXT_MONTH, 2026-05-31",
        "2026-03-15, 6, FIRST_DAY_OF_NEXT_MONTH, 2026-09-15",
    })
    void dueWhenMonthsAreCountedThenAMissingDayIsResolvedAsTheClockSays(
            java.time.LocalDate start, int months, org.overturn.law.JurisdictionRules.MonthEnd end, java.time.LocalDate last) {
        ZoneId zone = ZoneId.of("America/New_York");
        Instant event = start.atTime(12, 0).atZone(zone).toInstant();

        Instant due = DeadlineCalculator.due(event, new RuleDuration(months, Unit.MONTHS), end, zone);

        assertThat(due).isEqualTo(last.atTime(23, 59, 59).atZone(zone).toInstant());
    }

    @Test
    void computeWhenNewYorkExpeditedAppealThenBothTheBusinessDayClockAndItsHourCapAreListed() {
        // Friday 13:00 in New York: 2 business days = Tuesday end of day; the 72 h cap ends Monday 13:00.
        DeadlineSchedule schedule = calculator.compute(regime("state-insurance-department", "NY"),
                Instant.parse("2026-01-16T18:00:00Z"), Step.INTERNAL_APPEAL_DECISION, Urgency.EXPEDITED);

        assertThat(schedule.deadlines()).extracting(Deadline::clock, Deadline::due).containsExactly(
                org.assertj.core.groups.Tuple.tuple("internalAppeal.decisionUrgent", Instant.parse("2026-01-21T04:59:59Z")),
                org.assertj.core.groups.Tuple.tuple("internalAppeal.decisionUrgentCap", Instant.parse("2026-01-19T18:00:00Z")));
        assertThat(schedule.actOn().orElseThrow().clock()).isEqualTo("internalAppeal.decisionUrgentCap");
        assertThat(schedule.deadlines().get(0).localDue().getDayOfWeek()).isEqualTo(java.time.DayOfWeek.TUESDAY);
    }

    @Test
    void computeWhenSourcesDisagreeThenTheEarliestIsUsedAndEveryCandidateIsNoted() {
        Deadline ga = only(calculator.compute(regime("state-insurance-department", "GA"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD));

        assertThat(ga.duration()).isEqualTo(new RuleDuration(60, Unit.DAYS));
        assertThat(ga.verification()).isEqualTo(Verification.CONFLICT_UNVERIFIED);
        assertThat(ga.source()).contains("Counterforce");
        assertThat(ga.notes()).anyMatch(n -> n.contains("120 days") && n.contains("60 days") && n.contains("4 months"));
        assertThat(ga.notes()).anyMatch(n -> n.contains("33-20A-35") && n.contains("no time limit"));
        assertThat(ga.kind()).isEqualTo(Deadline.Kind.FILING);
        assertThat(ga.zone()).isEqualTo(ZoneId.of("America/New_York"));
    }

    @Test
    void computeWhenOhioExternalReviewDecisionIsDisputedThenThirtyDaysIsUsedAndBothFiguresAreNoted() {
        Deadline oh = only(calculator.compute(regime("state-insurance-department", "OH"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.EXTERNAL_REVIEW_DECISION, Urgency.STANDARD));

        assertThat(oh.duration()).isEqualTo(new RuleDuration(30, Unit.DAYS));
        assertThat(oh.verification()).isEqualTo(Verification.CONFLICT_UNVERIFIED);
        assertThat(oh.notes()).anyMatch(n -> n.contains("30 days") && n.contains("45 days"));
    }

    @Test
    void computeWhenOhioPaIsUrgentThenTheStatutes48HoursComeBeforeTheFederal72() {
        Deadline oh = only(calculator.compute(regime("state-insurance-department", "OH"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.INITIAL_DECISION, Urgency.EXPEDITED));

        assertThat(oh.duration()).isEqualTo(new RuleDuration(48, Unit.HOURS));
        assertThat(oh.source()).contains("3923.041").contains("1751.72");
        assertThat(oh.notes()).noneMatch(n -> n.contains("federal floor"));
    }

    @Test
    void computeWhenAStateHasNoClockForTheStepThenTheFederalFloorIsUsedMarkedAndExplained() {
        Deadline tx = only(calculator.compute(regime("state-insurance-department", "TX"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_DECISION, Urgency.EXPEDITED));

        assertThat(tx.ruleId()).isEqualTo("ACA-147.136");
        assertThat(tx.verification()).isEqualTo(Verification.UNVERIFIED);
        assertThat(tx.notes()).anyMatch(n -> n.contains("federal floor") && n.contains("TX-TDI"));
        assertThat(tx.notes()).anyMatch(n -> n.contains("TX-TDI internalAppeal.decisionUrgent has no value")
                && n.contains("expedited appeal timing UNVERIFIED"));
    }

    @Test
    void computeWhenTheStateIsNotInTheFileThenOnlyFloorsApplyInTheDefaultZone() {
        Deadline wa = only(calculator.compute(regime("state-insurance-department", "WA"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_FILING, Urgency.STANDARD));

        assertThat(wa.ruleId()).isEqualTo("ACA-147.136");
        assertThat(wa.due()).isEqualTo(Instant.parse("2026-07-15T03:59:59Z"));
        assertThat(wa.verification()).isEqualTo(Verification.UNVERIFIED);
        assertThat(wa.notes()).anyMatch(n -> n.contains("no rules for state-insurance-department WA"));
    }

    @Test
    void computeWhenNoRuleSetsAClockThenAGapSaysSoInsteadOfADeadline() {
        // Florida's step-therapy law says "a reasonable amount of time"; no federal floor covers step therapy.
        DeadlineSchedule fl = calculator.compute(regime("state-insurance-department", "FL"),
                Instant.parse("2026-01-15T18:00:00Z"), Step.STEP_THERAPY_EXCEPTION_DECISION, Urgency.STANDARD);

        assertThat(fl.deadlines()).isEmpty();
        assertThat(fl.actOn()).isEmpty();
        assertThat(fl.gaps()).singleElement().satisfies(gap -> {
            assertThat(gap.regime()).isEqualTo(regime("state-insurance-department", "FL"));
            assertThat(gap.reason()).contains("stepTherapy.responseStandard").contains("reasonable amount of time");
        });
    }

    @Test
    void computeWhenACaliforniaPpoNamesNoRegulatorThenTheEarliestOfAllCandidatesIsToBeActedOnAndTheDecidingFactIsNamed() {
        RegimeCandidates ppo = RegimeCandidates.of(
                regime("ca-dmhc", "CA"), regime("ca-cdi", "CA"), regime("erisa-self-funded", "CA"));

        DeadlineSchedule schedule = calculator.compute(
                ppo, Instant.parse("2026-01-15T18:00:00Z"), Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD);

        // IMR: 6 months (Jul 15) under DMHC and CDI; federal external review: 4 months (May 15), Los Angeles time.
        assertThat(schedule.deadlines()).extracting(Deadline::regime, Deadline::due).containsExactly(
                org.assertj.core.groups.Tuple.tuple(regime("ca-dmhc", "CA"), Instant.parse("2026-07-16T06:59:59Z")),
                org.assertj.core.groups.Tuple.tuple(regime("ca-cdi", "CA"), Instant.parse("2026-07-16T06:59:59Z")),
                org.assertj.core.groups.Tuple.tuple(regime("erisa-self-funded", "CA"), Instant.parse("2026-05-16T06:59:59Z")));
        Deadline actOn = schedule.actOn().orElseThrow();
        assertThat(actOn.regime()).isEqualTo(regime("erisa-self-funded", "CA"));
        assertThat(actOn.ruleId()).isEqualTo("ACA-147.136");
        assertThat(schedule.decidingFact()).isEqualTo("Whether the plan is self-funded (ERISA) or fully insured; "
                + "whether it is regulated by DMHC (a Knox-Keene health care service plan) or CDI (an insurance policy)");
    }

    @Test
    void computeWhenOnlyTheStateIsUnknownThenTheStateIsTheDecidingFact() {
        RegimeCandidates two = RegimeCandidates.of(
                regime("state-insurance-department", "GA"), regime("state-insurance-department", "OH"));

        DeadlineSchedule schedule = calculator.compute(
                two, Instant.parse("2026-01-15T18:00:00Z"), Step.EXTERNAL_REVIEW_FILING, Urgency.STANDARD);

        assertThat(schedule.actOn().orElseThrow().regime()).isEqualTo(regime("state-insurance-department", "GA"));
        assertThat(schedule.decidingFact()).startsWith("Which state's law governs the plan");
    }

    @Test
    void computeWhenTheCoverageIsOutOfScopeThenThereIsNoDeadlineAndTheReasonIsKept() {
        RegimeCandidates medicare = new RegimeCandidates(List.of(), List.of(), "Medicare appeals are not modelled");

        DeadlineSchedule schedule = calculator.compute(
                medicare, Instant.parse("2026-01-15T18:00:00Z"), Step.INTERNAL_APPEAL_FILING, Urgency.STANDARD);

        assertThat(schedule.deadlines()).isEmpty();
        assertThat(schedule.gaps()).extracting(DeadlineSchedule.Gap::reason).containsExactly("Medicare appeals are not modelled");
    }

    @Test
    void everyClockAStepNamesExistsInTheRulesFile() {
        for (Step step : Step.values()) {
            for (Urgency urgency : Urgency.values()) {
                for (String clock : step.clocks(urgency)) {
                    assertThat(LAW.jurisdictions().all()).as("%s %s names %s", step, urgency, clock)
                            .anyMatch(set -> set.clock(clock).isPresent());
                }
            }
        }
    }

    private static Regime regime(String kind, String state) {
        return new Regime(RegulatorKind.fromCode(kind).orElseThrow(), state);
    }

    private static Deadline only(DeadlineSchedule schedule) {
        assertThat(schedule.deadlines()).hasSize(1);
        return schedule.deadlines().get(0);
    }
}
