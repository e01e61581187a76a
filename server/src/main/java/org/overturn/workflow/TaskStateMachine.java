package org.overturn.workflow;

import org.overturn.cases.WorkflowSteps;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.WriteRule;
import org.jspecify.annotations.Nullable;

/**
 * The status transitions a workflow Task may make, following the FHIR R4 Task state machine: work moves forward
 * (requested → received/accepted → in-progress → completed), may pause (on-hold) or end early (cancelled, failed,
 * rejected), and a finished Task stays finished: the next step is a new Task. A write that breaks this is a 409
 * that lists where the Task may go from its current status. Checked by the store with the Task's row locked.
 */
final class TaskStateMachine implements WriteRule {
    private static final Map<TaskStatus, Set<TaskStatus>> NEXT = new EnumMap<>(TaskStatus.class);

    static {
        Set<TaskStatus> ended = EnumSet.of(TaskStatus.CANCELLED, TaskStatus.FAILED, TaskStatus.ENTEREDINERROR);
        NEXT.put(TaskStatus.DRAFT, with(ended, TaskStatus.REQUESTED));
        NEXT.put(TaskStatus.REQUESTED, with(ended, TaskStatus.RECEIVED, TaskStatus.ACCEPTED, TaskStatus.REJECTED,
                TaskStatus.READY, TaskStatus.INPROGRESS, TaskStatus.ONHOLD, TaskStatus.COMPLETED));
        NEXT.put(TaskStatus.RECEIVED, with(ended, TaskStatus.ACCEPTED, TaskStatus.REJECTED, TaskStatus.READY,
                TaskStatus.INPROGRESS, TaskStatus.ONHOLD, TaskStatus.COMPLETED));
        NEXT.put(TaskStatus.ACCEPTED, with(ended, TaskStatus.READY, TaskStatus.INPROGRESS, TaskStatus.ONHOLD, TaskStatus.COMPLETED));
        NEXT.put(TaskStatus.READY, with(ended, TaskStatus.INPROGRESS, TaskStatus.ONHOLD, TaskStatus.COMPLETED));
        NEXT.put(TaskStatus.INPROGRESS, with(ended, TaskStatus.ONHOLD, TaskStatus.COMPLETED));
        NEXT.put(TaskStatus.ONHOLD, with(ended, TaskStatus.REQUESTED, TaskStatus.READY, TaskStatus.INPROGRESS));
        // Finished: only a correction (entered-in-error) remains.
        for (TaskStatus done : EnumSet.of(TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.FAILED, TaskStatus.REJECTED)) {
            NEXT.put(done, EnumSet.of(TaskStatus.ENTEREDINERROR));
        }
        NEXT.put(TaskStatus.ENTEREDINERROR, EnumSet.noneOf(TaskStatus.class));
    }

    private static Set<TaskStatus> with(Set<TaskStatus> base, TaskStatus... more) {
        Set<TaskStatus> out = EnumSet.copyOf(base);
        out.addAll(Set.of(more));
        return out;
    }

    @Override
    public String resourceType() {
        return "Task";
    }

    @Override
    public void check(@Nullable IBaseResource previous, IBaseResource next) {
        Task after = (Task) next;
        Task before = (Task) previous;
        String stepBefore = before == null ? null : WorkflowSteps.stepOf(before);
        String stepAfter = WorkflowSteps.stepOf(after);
        if (stepBefore == null && stepAfter == null) {
            return;
        }
        String name = "Task/" + after.getIdElement().getIdPart();
        if (before != null && !Objects.equals(stepBefore, stepAfter)) {
            throw refused(name + " is the '" + stepBefore + "' step; a Task cannot change its workflow step (create a new Task for"
                    + " the next step, linked by partOf)", "Task.code");
        }
        if (before == null) {
            if (after.getStatus() == null || after.getStatus() == TaskStatus.ENTEREDINERROR || after.getStatus() == TaskStatus.NULL) {
                throw refused("A new workflow Task needs a starting status (draft, requested, ready, in-progress, ...), not "
                        + after.getStatus(), "Task.status");
            }
            return;
        }
        TaskStatus from = before.getStatus();
        TaskStatus to = after.getStatus();
        if (from == to) {
            return;
        }
        Set<TaskStatus> allowed = NEXT.getOrDefault(from, Set.of());
        if (to == null || !allowed.contains(to)) {
            String options = allowed.isEmpty() ? "nothing: it is final"
                    : allowed.stream().map(TaskStatus::toCode).sorted().collect(Collectors.joining(", "));
            throw refused(name + " (" + stepAfter + ") cannot go from '" + from.toCode() + "' to '"
                    + (to == null ? "no status" : to.toCode()) + "'; from '" + from.toCode() + "' it may go to " + options, "Task.status");
        }
    }

    /** A workflow Task is part of the case's record: it is corrected by its status, never removed. */
    @Override
    public void checkDelete(IBaseResource current) {
        Task task = (Task) current;
        String step = WorkflowSteps.stepOf(task);
        if (step != null) {
            throw refused("Task/" + task.getIdElement().getIdPart() + " is the '" + step + "' step of a case and cannot be"
                    + " deleted; set its status to entered-in-error (a mistake) or cancelled (work stopped) instead", "Task");
        }
    }

    /** A deleted Task comes back only by a transition its last status allows, and only as the step it was. */
    @Override
    public void checkRevival(IBaseResource last, IBaseResource next) {
        check(last, next);
    }

    private static OverturnException refused(String message, String where) {
        return new OverturnException(ErrorCode.INVALID_TRANSITION, message, where);
    }
}
