package org.overturn.appeals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.overturn.assessment.Assessment;
import org.overturn.cases.DenialReader;
import org.overturn.cases.PaCase;
import org.overturn.criteria.Evaluation;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.letter.AppealLetterComposer;
import org.overturn.letter.CaseDocuments;
import org.overturn.letter.Letter;
import org.overturn.letter.LetterDocuments;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.overturn.workflow.AppealProfiles;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/**
 * Appeals of a payer's denial: {@code ClaimResponse/$appeal} creates the internal (or second-level) appeal Task with
 * its legal deadlines and the appeal letter, in one transaction; {@code Claim/$generate-letter} kind {@code appeal}
 * writes the same letter without a Task. The external-review step is {@link ExternalReviewService}.
 */
public final class AppealService {
    static final Set<Task.TaskStatus> ENDED = EnumSet.of(Task.TaskStatus.COMPLETED, Task.TaskStatus.CANCELLED,
            Task.TaskStatus.FAILED, Task.TaskStatus.REJECTED, Task.TaskStatus.ENTEREDINERROR);
    /** Decisions that leave (part of) the denial standing, so the next level or external review may follow. */
    static final Set<String> DENIAL_STANDS = Set.of(AppealProfiles.UPHELD, AppealProfiles.PARTIALLY_OVERTURNED);

    private final ResourceStore store;
    private final CaseLaw cases;
    private final AppealLetterComposer letters;

    AppealService(ResourceStore store, CaseLaw cases, AppealLetterComposer letters) {
        this.store = store;
        this.cases = cases;
        this.letters = letters;
    }

    /** A step Task and the document prepared for it; {@code created} is false when an earlier request made them. */
    public record Answer(Task task, DocumentReference document, boolean created) {}

    /** What an appeal of one denial needs, gathered before anything is stored. */
    private record Prepared(
            PaCase c,
            String step,
            @Nullable Task previous,
            int attempt,
            Instant event,
            RegimeCandidates regimes,
            DeadlineSchedule filing,
            DeadlineSchedule decision,
            boolean late,
            Assessment assessment,
            Letter letter) {}

    /**
     * Appeals the denial in ClaimResponse {@code id}: refuses approved and pended responses (422), answers the open
     * appeal of the same denial if there is one, else creates the appeal Task and its letter.
     */
    public Answer appeal(String claimResponseId, Urgency urgency) {
        ClaimResponse response = (ClaimResponse) store.read("ClaimResponse", claimResponseId).content();
        decided(response);
        PaCase c = cases.cases().read(response);
        List<Task> appeals = appeals(c.responseRef());
        Optional<Task> open = appeals.stream().filter(t -> !ENDED.contains(t.getStatus())).findFirst();
        if (open.isPresent()) {
            Task task = open.get();
            boolean urgent = task.getPriority() == Task.TaskPriority.URGENT || task.getPriority() == Task.TaskPriority.STAT
                    || task.getPriority() == Task.TaskPriority.ASAP;
            if (urgent != (urgency == Urgency.EXPEDITED)) {
                throw new OverturnException(ErrorCode.STEP_IN_PROGRESS, "The denial in " + c.responseRef() + " is already under "
                        + (urgent ? "expedited" : "standard") + " appeal as Task/" + task.getIdElement().getIdPart() + " (status "
                        + task.getStatus().toCode() + "); cancel that Task (status cancelled) before filing a "
                        + (urgent ? "standard" : "expedited") + " one", "urgency");
            }
            return existing(task);
        }
        Prepared p = prepare(c, appeals, urgency);
        Date now = Date.from(cases.now());
        DocumentReference doc = LetterDocuments.document(p.letter(), CaseDocuments.Kind.APPEAL_LETTER, c.patientRef(), c.prescriberRef(),
                List.of(c.responseRef(), c.claimRef()), now);
        doc.setId(UUID.randomUUID().toString());
        Task task = appealTask(p, urgency, "DocumentReference/" + doc.getIdElement().getIdPart(), now);
        String identifier = task.getIdentifierFirstRep().getValue();
        return store.inTransaction(() -> {
            // Conditional on the identifier, under the store's lock: a concurrent request for the same appeal gets this one.
            WriteResult written = store.create(task, "identifier=" + AppealProfiles.APPEAL_IDENTIFIER + "|" + identifier);
            if (written.kind() == WriteResult.Kind.MATCHED) {
                return existing((Task) written.stored().content());
            }
            StoredResource storedDoc = store.create(doc, null).stored();
            store.create(LetterDocuments.provenance(
                    List.of(written.stored().versionedReference(), storedDoc.versionedReference()),
                    sources(p.c(), p.assessment()), policies(p.assessment()), now), null);
            return new Answer((Task) written.stored().content(), (DocumentReference) storedDoc.content(), true);
        });
    }

    /**
     * The appeal letter for the latest denied response to Claim {@code id}, stored as a DocumentReference with its
     * Provenance but without an appeal Task.
     */
    public DocumentReference appealLetter(String claimId, Urgency urgency) {
        Claim claim = (Claim) store.read("Claim", claimId).content();
        ClaimResponse response = cases.cases().latestResponse("Claim/" + claim.getIdElement().getIdPart())
                .orElseThrow(() -> new OverturnException(ErrorCode.BUSINESS_RULE, "Claim/" + claimId
                        + " has no payer response to appeal; submit it with Claim/$submit first", "Claim"));
        decided(response);
        PaCase c = cases.cases().read(response);
        Prepared p = prepare(c, appeals(c.responseRef()), urgency);
        Date now = Date.from(cases.now());
        DocumentReference doc = LetterDocuments.document(p.letter(), CaseDocuments.Kind.APPEAL_LETTER, c.patientRef(), c.prescriberRef(),
                List.of(c.responseRef(), c.claimRef()), now);
        return store.inTransaction(() -> {
            StoredResource stored = store.create(doc, null).stored();
            store.create(LetterDocuments.provenance(List.of(stored.versionedReference()), sources(c, p.assessment()),
                    policies(p.assessment()), now), null);
            return (DocumentReference) stored.resource();
        });
    }

    /** The answer of $appeal and $external-review: a collection Bundle, the Task first, then its document. */
    public Bundle bundle(Answer answer, String serverBase) {
        String base = serverBase.endsWith("/") ? serverBase.substring(0, serverBase.length() - 1) : serverBase;
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(Date.from(cases.now()));
        for (Resource r : List.<Resource>of(answer.task(), answer.document())) {
            bundle.addEntry().setFullUrl(base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
        }
        return bundle;
    }

    /** Refuses a response with nothing to appeal: approved, pended, or without a decision. */
    private static DenialReader.Decision decided(ClaimResponse response) {
        DenialReader.Decision decision = DenialReader.read(response);
        String name = "ClaimResponse/" + response.getIdElement().getIdPart();
        switch (decision.outcome()) {
            case APPROVED -> throw new OverturnException(ErrorCode.BUSINESS_RULE, name + " approved every item (X12 306 A1);"
                    + " there is no denial to appeal", "ClaimResponse.item.adjudication");
            case PENDED -> throw new OverturnException(ErrorCode.BUSINESS_RULE, name + " is pended (X12 306 A4): the payer has"
                    + " not decided and is waiting for " + String.join("; ", decision.pendedNotes()) + ". Answer the payer's"
                    + " request (send the documentation it lists, e.g. a new Claim/$submit with it) instead of appealing",
                    "ClaimResponse.item.adjudication");
            case NO_DECISION -> throw new OverturnException(ErrorCode.BUSINESS_RULE, name + " carries no decision (no X12 306"
                    + " review action and no denial reason on any item); there is nothing to appeal", "ClaimResponse.item");
            case DENIED -> {
                return decision;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Prepared prepare(PaCase c, List<Task> appeals, Urgency urgency) {
        ClaimResponse response = Objects.requireNonNull(c.response(), "an appeal is prepared from a case read from its response");
        DenialReader.Decision decision = DenialReader.read(response);
        Task upheldFirst = null;
        for (Task t : appeals) { // newest first
            String step = WorkflowSteps.stepOf(t);
            String outcome = AppealTasks.businessStatus(t);
            if (t.getStatus() != Task.TaskStatus.COMPLETED) {
                continue;
            }
            String name = "Task/" + t.getIdElement().getIdPart();
            if (AppealProfiles.OVERTURNED.equals(outcome)) {
                throw new OverturnException(ErrorCode.BUSINESS_RULE, "The denial in " + c.responseRef() + " was overturned on"
                        + " appeal (" + name + "); there is nothing left to appeal", "ClaimResponse");
            }
            if (!DENIAL_STANDS.contains(String.valueOf(outcome))) {
                throw new OverturnException(ErrorCode.BUSINESS_RULE, name + " (" + step + ") is completed without a decision;"
                        + " record the plan's answer in its businessStatus (" + AppealProfiles.BUSINESS_STATUS + " upheld or"
                        + " overturned) first", "Task.businessStatus");
            }
            if (WorkflowSteps.SECOND_LEVEL_APPEAL.equals(step)) {
                throw new OverturnException(ErrorCode.BUSINESS_RULE, "Both internal appeal levels of " + c.responseRef()
                        + " upheld the denial (" + name + "); the next step is external review: POST /Task/"
                        + t.getIdElement().getIdPart() + "/$external-review", "ClaimResponse");
            }
            if (upheldFirst == null) {
                upheldFirst = t;
            }
        }
        String step = upheldFirst == null ? WorkflowSteps.INTERNAL_APPEAL : WorkflowSteps.SECOND_LEVEL_APPEAL;
        int attempt = (int) appeals.stream().filter(t -> step.equals(WorkflowSteps.stepOf(t))).count() + 1;
        Instant now = cases.now();
        Instant event = upheldFirst == null ? denialInstant(response) : cases.cases().decidedAt(upheldFirst);
        RegimeCandidates regimes = cases.regimes(c);
        DeadlineSchedule filing = cases.deadlines(regimes, event, Step.INTERNAL_APPEAL_FILING, urgency);
        DeadlineSchedule decisionClock = cases.deadlines(regimes, now,
                upheldFirst == null ? Step.INTERNAL_APPEAL_DECISION : Step.SECOND_LEVEL_APPEAL_DECISION, urgency);
        boolean late = filing.actOn().map(d -> now.isAfter(d.due())).orElse(false);

        Assessment assessment = cases.assessKnownDrug(c, "; an appeal letter needs the drug's label and evidence");
        List<String> gaps = new ArrayList<>();
        filing.gaps().forEach(g -> gaps.add(g.reason()));
        ZoneId zone = filing.actOn().map(Deadline::zone).orElse(ZoneId.of("America/New_York"));
        Letter letter = letters.appeal(new AppealLetterComposer.Input(assessment, c.order(), c.prescriber(), c.responseRef(),
                response.hasCreated() ? event(response).atZone(zone).toLocalDate() : null, decision.points(),
                urgency == Urgency.EXPEDITED, upheldFirst == null ? null : "Task/" + upheldFirst.getIdElement().getIdPart(),
                filing.actOn().orElse(null), decisionClock.actOn().orElse(null), late, filing.decidingFact(), gaps,
                LocalDate.ofInstant(now, zone)));
        return new Prepared(c, step, upheldFirst, attempt, event, regimes, filing, decisionClock, late, assessment, letter);
    }

    private Task appealTask(Prepared p, Urgency urgency, String letterRef, Date now) {
        PaCase c = p.c();
        boolean second = WorkflowSteps.SECOND_LEVEL_APPEAL.equals(p.step());
        Task task = AppealTasks.step(c, p.step(), second ? "Second-level appeal" : "Internal appeal", Task.TaskStatus.READY, urgency, now);
        task.addIdentifier(new Identifier().setSystem(AppealProfiles.APPEAL_IDENTIFIER)
                .setValue(c.responseRef() + "/" + p.step() + "/" + p.attempt()));
        String drug = p.assessment().drug().map(d -> d.displayName()).orElse("the drug");
        task.setDescription((urgency == Urgency.EXPEDITED ? "Expedited " : "") + (second ? "second-level" : "internal")
                + " appeal of the denial of " + drug + " (" + c.responseRef() + ")");
        if (c.paTask() != null) {
            task.addPartOf(new Reference("Task/" + c.paTask().getIdElement().getIdPart()));
        }
        if (p.previous() != null) {
            task.addInput(AppealTasks.input(AppealProfiles.PREVIOUS_APPEAL, "Previous appeal level",
                    "Task/" + p.previous().getIdElement().getIdPart()));
        }
        task.addInput(AppealTasks.input(AppealProfiles.APPEAL_LETTER, "Appeal letter", letterRef));
        Optional<Deadline> filing = AppealTasks.deadlines(task, p.filing(), p.event(), true, "filing deadline");
        AppealTasks.deadlines(task, p.decision(), now.toInstant(), false, "decision clock");
        AppealTasks.regimeNotes(task, p.regimes(), p.filing());
        if (p.regimes().unsupported() != null) {
            task.addNote().setText("No legal deadline applies from the rules on file: " + p.regimes().unsupported() + ".");
        }
        p.decision().actOn().ifPresent(d -> task.addNote().setText("The plan's decision clock (" + d.ruleId() + " " + d.clock()
                + ", " + d.duration() + ") runs from the day the plan receives the appeal; its due date on this Task counts from"
                + " when the Task was prepared."));
        if (p.late()) {
            AppealTasks.late(task, filing.orElseThrow(), now.toInstant());
        }
        return task;
    }

    /** The stored appeal Task and its letter, for a request that finds the appeal already made. */
    private Answer existing(Task task) {
        List<String> letters = AppealTasks.inputs(task, AppealProfiles.APPEAL_LETTER);
        if (letters.isEmpty()) {
            throw new OverturnException(ErrorCode.STEP_IN_PROGRESS, "Task/" + task.getIdElement().getIdPart() + " is already"
                    + " the open appeal of this denial, but it has no appeal letter input", "Task.input");
        }
        String[] ref = letters.get(0).split("/");
        DocumentReference doc = (DocumentReference) store.read(ref[0], ref[1]).content();
        return new Answer(task, doc, false);
    }

    /** Appeal Tasks (both levels) of a denial, newest first. */
    private List<Task> appeals(String responseRef) {
        return cases.cases().steps(responseRef, WorkflowSteps.INTERNAL_APPEAL, WorkflowSteps.SECOND_LEVEL_APPEAL);
    }

    private static Instant denialInstant(ClaimResponse response) {
        if (!response.hasCreated()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "ClaimResponse/" + response.getIdElement().getIdPart()
                    + " has no created date; the appeal window counts from the denial's date", "ClaimResponse.created");
        }
        return event(response);
    }

    private static Instant event(ClaimResponse response) {
        return response.getCreatedElement().getValue().toInstant();
    }

    private static Set<String> sources(PaCase c, Assessment assessment) {
        Set<String> refs = new LinkedHashSet<>();
        refs.add(c.responseRef());
        refs.add(c.claimRef());
        refs.add(c.patientRef());
        refs.add("Coverage/" + c.coverage().getIdElement().getIdPart());
        if (c.order() != null) {
            refs.add("MedicationRequest/" + c.order().getIdElement().getIdPart());
        }
        assessment.evaluation().ifPresent(e -> e.results().forEach(r -> refs.addAll(r.evidence())));
        assessment.chart().conditions().forEach(x -> refs.add(x.getIdElement().toUnqualifiedVersionless().getValue()));
        assessment.chart().medicationStatements().forEach(x -> refs.add(x.getIdElement().toUnqualifiedVersionless().getValue()));
        return refs;
    }

    private List<String> policies(Assessment assessment) {
        List<String> out = new ArrayList<>();
        assessment.evaluation().map(Evaluation::policyId).ifPresent(id -> out.add(Canonical.BASE + "/knowledge/policy/" + id + "|"
                + assessment.evaluation().get().policyVersion()));
        out.addAll(cases.policies(List.of("rebuttals.yaml", "jurisdictions.yaml", "regimes.yaml")));
        return out;
    }
}
