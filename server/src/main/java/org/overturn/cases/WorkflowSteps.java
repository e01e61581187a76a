package org.overturn.cases;

import java.util.List;
import org.hl7.fhir.r4.model.Task;
import org.overturn.platform.Canonical;
import org.jspecify.annotations.Nullable;

/**
 * The steps of a prior-authorization and appeal case, each a Task whose {@code code} is one of these codes in
 * Overturn's workflow-step CodeSystem. Only such Tasks follow the workflow's rules; other Tasks are plain FHIR data.
 * The vocabulary lives with the case that is read by it; {@code workflow} enforces the rules over it.
 */
public final class WorkflowSteps {
    public static final String SYSTEM = Canonical.BASE + "/CodeSystem/workflow-step";

    public static final String PRIOR_AUTHORIZATION = "prior-authorization";
    public static final String INTERNAL_APPEAL = "internal-appeal";
    public static final String SECOND_LEVEL_APPEAL = "second-level-appeal";
    public static final String PEER_TO_PEER = "peer-to-peer";
    public static final String EXTERNAL_REVIEW = "external-review";

    /**
     * Task.groupIdentifier system of the PA Tasks of one case: a claim update's PA Task carries the value of the request
     * it replaces, so every request of the case (the first, its updates, a cancellation) is found by one identifier.
     * The value is the id of the case's first Claim.
     */
    public static final String CASE_IDENTIFIER = Canonical.BASE + "/sid/pa-case";

    public static final List<String> ALL =
            List.of(PRIOR_AUTHORIZATION, INTERNAL_APPEAL, SECOND_LEVEL_APPEAL, PEER_TO_PEER, EXTERNAL_REVIEW);

    private WorkflowSteps() {}

    /** The workflow step of a Task, or null when the Task is not one of Overturn's steps. */
    public static @Nullable String stepOf(Task task) {
        return task.getCode().getCoding().stream()
                .filter(c -> SYSTEM.equals(c.getSystem()))
                .map(c -> c.getCode())
                .findFirst()
                .orElse(null);
    }
}
