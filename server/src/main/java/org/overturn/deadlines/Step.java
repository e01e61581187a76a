package org.overturn.deadlines;

import java.util.List;

/**
 * A step of the path from PA request to external review, the event its clock runs from, and the names of the clocks in
 * jurisdictions.yaml that set it, in order of preference (the file's rule sets name the same clock differently).
 */
public enum Step {
    /** The payer's decision on a PA request; event: the request was received. */
    INITIAL_DECISION(
            Deadline.Kind.DECISION,
            List.of(
                    "rxPriorAuth.standard",
                    "priorAuth.utilizationReviewDecision",
                    "priorAuth.standard",
                    "initialDecision.preService"),
            List.of("rxPriorAuth.exigent", "rxPriorAuth.urgent", "priorAuth.urgent", "initialDecision.urgent")),
    /** Filing the internal appeal; event: the denial ({@code ClaimResponse.created}). */
    INTERNAL_APPEAL_FILING(
            Deadline.Kind.FILING, List.of("internalAppeal.filingWindow"), List.of("internalAppeal.filingWindow")),
    /** The payer's decision on the internal appeal (one level); event: the appeal was filed. */
    INTERNAL_APPEAL_DECISION(
            Deadline.Kind.DECISION,
            List.of("internalAppeal.decisionStandard", "internalAppeal.decisionPreService"),
            List.of("internalAppeal.decisionUrgent")),
    /** The decision on each level of a plan with two appeal levels; event: that level's appeal was filed. */
    SECOND_LEVEL_APPEAL_DECISION(
            Deadline.Kind.DECISION,
            List.of("internalAppeal.decisionPreServicePerLevel"),
            List.of("internalAppeal.decisionUrgent")),
    /** Filing for external review; event: the final internal denial. */
    EXTERNAL_REVIEW_FILING(
            Deadline.Kind.FILING,
            List.of("externalReview.filingWindow", "externalReviewFederal.filingWindow"),
            List.of("externalReview.filingWindow", "externalReviewFederal.filingWindow")),
    /** The external reviewer's decision; event: the external review was requested. */
    EXTERNAL_REVIEW_DECISION(
            Deadline.Kind.DECISION,
            List.of("externalReview.decisionStandard", "externalReviewFederal.decisionStandard"),
            List.of("externalReview.decisionExpedited", "externalReviewFederal.decisionExpedited")),
    /** The payer's answer to a step-therapy exception request; event: the request was received. */
    STEP_THERAPY_EXCEPTION_DECISION(
            Deadline.Kind.DECISION, List.of("stepTherapy.responseStandard"), List.of("stepTherapy.responseUrgent"));

    private final Deadline.Kind kind;
    private final List<String> standard;
    private final List<String> expedited;

    Step(Deadline.Kind kind, List<String> standard, List<String> expedited) {
        this.kind = kind;
        this.standard = standard;
        this.expedited = expedited;
    }

    public Deadline.Kind kind() {
        return kind;
    }

    /** Clock names for this step at this urgency; the first one a rule set states is used. */
    public List<String> clocks(Urgency urgency) {
        return urgency == Urgency.EXPEDITED ? expedited : standard;
    }
}
