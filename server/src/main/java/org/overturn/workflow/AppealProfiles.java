package org.overturn.workflow;

import org.jspecify.annotations.Nullable;
import org.overturn.cases.DeadlineExtension;
import org.overturn.platform.Canonical;

/** The extensions and code systems of Overturn's appeal and external-review Tasks, all defined in fhir-profiles. */
public final class AppealProfiles {
    private AppealProfiles() {}

    /** Complex extension on Task, one per deadline and candidate regime; written by {@link DeadlineExtension}. */
    public static final String DEADLINE = DeadlineExtension.URL;

    /** The subscription topic of reminders of these deadlines (subscriptions/topics.yaml); filters patient and recipient. */
    public static final String REMINDER_TOPIC = Canonical.BASE + "/SubscriptionTopic/task-deadline-reminder";

    /** Boolean extension on Task: the filing deadline had passed when the step was prepared. */
    public static final String FILING_LATE = Canonical.BASE + "/StructureDefinition/filing-late";

    /** Task.businessStatus of an appeal or external review once decided. */
    public static final String BUSINESS_STATUS = Canonical.BASE + "/CodeSystem/appeal-business-status";

    public static final String UPHELD = "upheld";
    public static final String OVERTURNED = "overturned";
    public static final String PARTIALLY_OVERTURNED = "partially-overturned";

    /** Task.input and Task.output types. */
    public static final String TASK_CODES = Canonical.BASE + "/CodeSystem/appeal-task";

    public static final String DENIAL = "denial";
    public static final String APPEAL_LETTER = "appeal-letter";
    public static final String PREVIOUS_APPEAL = "previous-appeal";
    public static final String PACKET = "external-review-packet";
    public static final String DECISION = "decision";

    /** Task.identifier system: one appeal per denial, level and attempt; one external review per appeal and attempt. */
    public static final String APPEAL_IDENTIFIER = Canonical.BASE + "/sid/appeal";
    public static final String EXTERNAL_REVIEW_IDENTIFIER = Canonical.BASE + "/sid/external-review";

    /**
     * The decision a step Task records (its business status code), for every reader of it: a decision recorded as
     * text only still counts, the code system is preferred.
     */
    public static @Nullable String businessStatus(org.hl7.fhir.r4.model.Task task) {
        for (org.hl7.fhir.r4.model.Coding c : task.getBusinessStatus().getCoding()) {
            if (BUSINESS_STATUS.equals(c.getSystem())) {
                return c.getCode();
            }
        }
        String text = task.getBusinessStatus().getText();
        return text == null ? null : text.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
