package org.overturn.appeals;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.cases.DeadlineExtension;
import org.overturn.cases.PaCase;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Urgency;
import org.overturn.workflow.AppealProfiles;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/** Builds the appeal and external-review Tasks: links, deadlines as extensions, and notes that say what is uncertain. */
final class AppealTasks {
    private AppealTasks() {}

    /** The parts common to every step Task of a case. */
    static Task step(PaCase c, String step, String display, Task.TaskStatus status, Urgency urgency, Date now) {
        Task task = new Task();
        task.setStatus(status);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(urgency == Urgency.EXPEDITED ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        task.setCode(new CodeableConcept(new Coding(WorkflowSteps.SYSTEM, step, display)));
        task.setFocus(new Reference(c.responseRef()));
        task.setFor(new Reference(c.patientRef()));
        if (c.prescriberRef() != null) {
            task.setRequester(new Reference(c.prescriberRef()));
            task.setOwner(new Reference(c.prescriberRef()));
        }
        task.setAuthoredOn(now);
        task.setLastModified(now);
        task.addInput(input(AppealProfiles.DENIAL, "Denial appealed", c.responseRef()));
        return task;
    }

    static Task.ParameterComponent input(String code, String display, String reference) {
        return new Task.ParameterComponent(new CodeableConcept(new Coding(AppealProfiles.TASK_CODES, code, display)),
                new Reference(reference));
    }

    /**
     * Puts the schedule's deadlines on the Task (one extension each, the earliest marked actOn), the deadline to act
     * on in {@code restriction.period.end} when {@code restrict}, and notes on what is uncertain or missing.
     */
    static Optional<Deadline> deadlines(Task task, DeadlineSchedule schedule, Instant from, boolean restrict, String what) {
        Optional<Deadline> actOn = schedule.actOn();
        DeadlineExtension.of(schedule, from).forEach(task::addExtension);
        if (restrict && actOn.isPresent()) {
            task.getRestriction().getPeriod().setEndElement(DeadlineExtension.dateTime(actOn.get().due(), actOn.get().zone()));
        }
        actOn.filter(d -> d.verification().doubtful()).ifPresent(d -> task.addNote().setText("The " + what + " ("
                + d.ruleId() + " " + d.clock() + ") is " + d.verification().label() + " in the rules on file"
                + (d.notes().isEmpty() ? "." : ": " + String.join(" ", d.notes()))));
        schedule.gaps().forEach(g -> task.addNote().setText("No " + what + " for " + (g.regime() == null ? "this coverage" : g.regime())
                + ": " + g.reason()));
        return actOn;
    }

    /** Notes naming each candidate regime and how it was decided, and the fact that would decide when it is open. */
    static void regimeNotes(Task task, RegimeCandidates regimes, DeadlineSchedule schedule) {
        for (RegimeCandidates.Candidate c : regimes.candidates()) {
            task.addNote().setText("Regime " + c.regime() + ": " + c.basis() + ".");
        }
        if (schedule.decidingFact() != null) {
            task.addNote().setText("The regime is not certain. " + schedule.decidingFact() + " would decide it; until then the"
                    + " earliest deadline of the candidate regimes is used.");
        }
    }

    static void late(Task task, Deadline filing, Instant now) {
        task.addExtension(AppealProfiles.FILING_LATE, new BooleanType(true));
        task.addNote().setText("Late: the filing deadline " + filing.localDue() + " (" + filing.ruleId() + " " + filing.clock()
                + ") had passed when this step was prepared on " + now + ". It is prepared anyway; the plan or reviewer may"
                + " refuse a late filing.");
    }

    /** The Task's inputs of one appeal-task type, as references. */
    static List<String> inputs(Task task, String code) {
        return task.getInput().stream()
                .filter(i -> i.getType().hasCoding(AppealProfiles.TASK_CODES, code) && i.getValue() instanceof Reference)
                .map(i -> ((Reference) i.getValue()).getReference())
                .toList();
    }

    static @Nullable String businessStatus(Task task) {
        return AppealProfiles.businessStatus(task);
    }
}
