package org.overturn.appeals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.assessment.Assessment;
import org.overturn.cases.PaCase;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.AppealRules;
import org.overturn.letter.ExternalReviewPacketComposer;
import org.overturn.letter.CaseDocuments;
import org.overturn.letter.Letter;
import org.overturn.letter.LetterDocuments;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.overturn.workflow.AppealProfiles;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/**
 * {@code Task/$external-review} on an appeal Task: the external-review packet for the case's regime (which body, its
 * form, contacts, filing route, deadline and decision clocks, expedited route, what to enclose) and the
 * external-review Task, partOf the appeal. Once the plan has upheld its denial the Task is {@code ready} with the
 * filing deadline counted from that final internal denial; before that it is a {@code draft} and the packet says when
 * the case becomes fileable. Asking again after the decision is recorded moves the draft to ready.
 */
public final class ExternalReviewService {
    private final ResourceStore store;
    private final CaseLaw cases;
    private final ExternalReviewPacketComposer packets;

    ExternalReviewService(ResourceStore store, CaseLaw cases, ExternalReviewPacketComposer packets) {
        this.store = store;
        this.cases = cases;
        this.packets = packets;
    }

    public AppealService.Answer externalReview(String taskId) {
        Task appeal = (Task) store.read("Task", taskId).content();
        String appealRef = "Task/" + appeal.getIdElement().getIdPart();
        String step = WorkflowSteps.stepOf(appeal);
        if (!WorkflowSteps.INTERNAL_APPEAL.equals(step) && !WorkflowSteps.SECOND_LEVEL_APPEAL.equals(step)) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, appealRef + " is not an appeal (workflow step " + step
                    + "); $external-review applies to internal-appeal and second-level-appeal Tasks", "Task.code");
        }
        boolean fileable = fileable(appeal, appealRef);
        Optional<ClaimResponse> response = appeal.getFocus().getReferenceElement().getResourceType() == null ? Optional.empty()
                : cases.cases().find(appeal.getFocus(), ClaimResponse.class);
        if (response.isEmpty()) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, appealRef + ": Task.focus must reference the ClaimResponse"
                    + " whose denial was appealed", "Task.focus");
        }
        PaCase c = cases.cases().read(response.get());

        List<Task> reviews = reviews(appealRef);
        Optional<Task> open = reviews.stream().filter(t -> !AppealService.ENDED.contains(t.getStatus())).findFirst();
        if (open.isPresent() && (open.get().getStatus() != Task.TaskStatus.DRAFT || !fileable)) {
            return existing(open.get());
        }

        Urgency urgency = urgent(appeal) ? Urgency.EXPEDITED : Urgency.STANDARD;
        Instant now = cases.now();
        Date nowDate = Date.from(now);
        RegimeCandidates regimes = cases.regimes(c);
        if (regimes.candidates().isEmpty()) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "No external-review body applies to this coverage: "
                    + (regimes.unsupported() == null ? "no regime could be named" : regimes.unsupported()), "Coverage");
        }
        Instant finalDenial = fileable ? cases.cases().decidedAt(appeal) : null;
        DeadlineSchedule filing = finalDenial == null ? null
                : cases.deadlines(regimes, finalDenial, Step.EXTERNAL_REVIEW_FILING, urgency);
        DeadlineSchedule standard = cases.deadlines(regimes, now, Step.EXTERNAL_REVIEW_DECISION, Urgency.STANDARD);
        DeadlineSchedule expedited = cases.deadlines(regimes, now, Step.EXTERNAL_REVIEW_DECISION, Urgency.EXPEDITED);
        Deadline appealDecision = fileable ? null : cases.deadlines(regimes,
                appeal.hasAuthoredOn() ? appeal.getAuthoredOn().toInstant() : now,
                WorkflowSteps.SECOND_LEVEL_APPEAL.equals(step) ? Step.SECOND_LEVEL_APPEAL_DECISION : Step.INTERNAL_APPEAL_DECISION,
                urgency).actOn().orElse(null);
        Regime primary = filing != null && filing.actOn().isPresent() ? filing.actOn().get().regime() : regimes.regimes().get(0);
        AppealRules.ExternalReviewBody body = body(primary);

        Assessment assessment = cases.assess(c);
        String drug = assessment.drug().map(KnowledgeModel.Drug::displayName)
                .orElse(c.product().hasText() ? c.product().getText() : "the requested drug");
        boolean investigational = assessment.drug().map(d -> !d.approved()).orElse(false);
        String payer = assessment.payer().map(KnowledgeModel.Payer::name).orElse(assessment.payorOrganization().getName());
        List<ExternalReviewPacketComposer.Alternative> alternatives = new ArrayList<>();
        for (Regime other : regimes.regimes()) {
            AppealRules.ExternalReviewBody otherBody = body(other);
            if (!other.equals(primary) && !otherBody.id().equals(body.id())
                    && alternatives.stream().noneMatch(a -> a.body().id().equals(otherBody.id()))) {
                alternatives.add(new ExternalReviewPacketComposer.Alternative(other.toString(), otherBody,
                        filing == null ? null : of(filing, other)));
            }
        }
        List<String> gaps = new ArrayList<>();
        if (filing != null) {
            filing.gaps().forEach(g -> gaps.add(g.reason()));
        }
        ZoneId zone = calculatorZone(filing, standard);
        List<String> appealLetters = AppealTasks.inputs(appeal, AppealProfiles.APPEAL_LETTER);
        List<String> decisions = appeal.getOutput().stream().filter(o -> o.getValue() instanceof Reference)
                .map(o -> ((Reference) o.getValue()).getReference()).toList();
        Letter letter = packets.packet(new ExternalReviewPacketComposer.Input(c.patient(),
                c.coverage().hasSubscriberId() ? c.coverage().getSubscriberId() : null, drug, investigational, payer,
                c.responseRef(), appealRef, appealLetters.isEmpty() ? null : appealLetters.get(0), decisions,
                finalDenial == null ? null : finalDenial.atZone(zone), appeal.getStatus().toCode(), appealDecision,
                primary.toString(), body, filing == null ? null : of(filing, primary), of(standard, primary), of(expedited, primary),
                urgency == Urgency.EXPEDITED, alternatives, filing == null ? standard.decidingFact() : filing.decidingFact(), gaps,
                c.prescriber(), LocalDate.ofInstant(now, zone), stateBasis(regimes)));
        DocumentReference doc = LetterDocuments.document(letter, CaseDocuments.Kind.EXTERNAL_REVIEW_PACKET, c.patientRef(), c.prescriberRef(),
                List.of(c.responseRef(), appealRef), nowDate);
        doc.setId(java.util.UUID.randomUUID().toString());

        Task task = AppealTasks.step(c, WorkflowSteps.EXTERNAL_REVIEW, "External review",
                fileable ? Task.TaskStatus.READY : Task.TaskStatus.DRAFT, urgency, nowDate);
        task.setDescription("External review (" + body.process() + ", " + body.body() + ") of the denial of " + drug + " ("
                + c.responseRef() + ")");
        task.addPartOf(new Reference(appealRef));
        task.addInput(AppealTasks.input(AppealProfiles.PACKET, "External-review packet", "DocumentReference/" + doc.getIdElement().getIdPart()));
        appealLetters.forEach(l -> task.addInput(AppealTasks.input(AppealProfiles.APPEAL_LETTER, "Appeal letter", l)));
        Optional<Deadline> due = filing == null || finalDenial == null ? Optional.empty()
                : AppealTasks.deadlines(task, filing, finalDenial, true, "filing deadline");
        AppealTasks.deadlines(task, urgency == Urgency.EXPEDITED ? expedited : standard, now, false, "decision clock");
        AppealTasks.regimeNotes(task, regimes, filing != null ? filing : standard);
        task.addNote().setText("File with " + body.body() + " (" + body.process() + "): " + body.filingRoute().text()
                + (KnowledgeModel.UNVERIFIED.equals(body.filingRoute().verification()) ? " (UNVERIFIED)" : "") + ".");
        if (!fileable) {
            task.addNote().setText("Not yet fileable: " + appealRef + " has no final decision recorded. It becomes fileable: "
                    + body.fileableWhen().text() + ". Record the plan's decision on " + appealRef + " and ask for $external-review"
                    + " again to get the filing deadline.");
        }
        if (due.isPresent() && now.isAfter(due.get().due())) {
            AppealTasks.late(task, due.get(), now);
        }
        return store.inTransaction(() -> {
            Task stored;
            boolean created;
            if (open.isPresent()) {
                stored = promote(open.get(), task);
                created = false;
            } else {
                int attempt = reviews.size() + 1;
                task.addIdentifier(new Identifier().setSystem(AppealProfiles.EXTERNAL_REVIEW_IDENTIFIER).setValue(appealRef + "/" + attempt));
                WriteResult written = store.create(task, "identifier=" + AppealProfiles.EXTERNAL_REVIEW_IDENTIFIER + "|" + appealRef
                        + "/" + attempt);
                if (written.kind() == WriteResult.Kind.MATCHED) {
                    return existing((Task) written.stored().content());
                }
                stored = (Task) written.stored().content();
                created = true;
            }
            StoredResource storedDoc = store.create(doc, null).stored();
            store.create(LetterDocuments.provenance(
                    List.of("Task/" + stored.getIdElement().getIdPart() + "/_history/" + stored.getMeta().getVersionId(),
                            storedDoc.versionedReference()),
                    sources(c, appealRef), policies(), nowDate), null);
            return new AppealService.Answer(stored, (DocumentReference) storedDoc.content(), created);
        });
    }

    /** Whether the appeal's decision leaves the denial standing: refuses what cannot go to external review. */
    private static boolean fileable(Task appeal, String appealRef) {
        String outcome = AppealTasks.businessStatus(appeal);
        switch (appeal.getStatus()) {
            case COMPLETED -> {
                if (AppealProfiles.OVERTURNED.equals(outcome)) {
                    throw new OverturnException(ErrorCode.BUSINESS_RULE, appealRef + ": the plan overturned its denial on appeal;"
                            + " there is nothing for external review", "Task.businessStatus");
                }
                if (!AppealService.DENIAL_STANDS.contains(String.valueOf(outcome))) {
                    throw new OverturnException(ErrorCode.BUSINESS_RULE, appealRef + " is completed without a decision; record the"
                            + " plan's answer in its businessStatus (" + AppealProfiles.BUSINESS_STATUS + " upheld or overturned)",
                            "Task.businessStatus");
                }
                return true;
            }
            case CANCELLED, FAILED, REJECTED, ENTEREDINERROR -> throw new OverturnException(ErrorCode.BUSINESS_RULE, appealRef
                    + " is " + appeal.getStatus().toCode() + "; external review follows a decided appeal. Start a new appeal with"
                    + " ClaimResponse/$appeal", "Task.status");
            default -> {
                return false;
            }
        }
    }

    /** The draft external-review Task becomes ready once the final denial is known: draft, requested, ready. */
    private Task promote(Task draft, Task ready) {
        String id = draft.getIdElement().getIdPart();
        Task current = (Task) store.read("Task", id).content();
        ready.setId(id);
        ready.setIdentifier(current.getIdentifier());
        ready.setAuthoredOn(current.getAuthoredOn());
        Task requested = ready.copy();
        requested.setStatus(Task.TaskStatus.REQUESTED);
        long version = Long.parseLong(current.getMeta().getVersionId());
        store.update("Task", id, requested, version);
        return (Task) store.update("Task", id, ready, null).stored().content();
    }

    private AppealService.Answer existing(Task review) {
        List<String> packetRefs = AppealTasks.inputs(review, AppealProfiles.PACKET);
        if (packetRefs.isEmpty()) {
            throw new OverturnException(ErrorCode.STEP_IN_PROGRESS, "Task/" + review.getIdElement().getIdPart()
                    + " is already the external review of this appeal, but it has no packet input", "Task.input");
        }
        String[] ref = packetRefs.get(0).split("/");
        return new AppealService.Answer(review, (DocumentReference) store.read(ref[0], ref[1]).content(), false);
    }

    private List<Task> reviews(String appealRef) {
        var found = store.search(store.parse("Task", Map.of(
                "part-of", List.of(appealRef),
                "code", List.of(WorkflowSteps.SYSTEM + "|" + WorkflowSteps.EXTERNAL_REVIEW),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of("100")), false));
        return found.items().stream().map(s -> (Task) s.resource()).toList();
    }

    /**
     * The state taken to govern the plan and the fact it came from, in plain words for the packet. For a self-funded
     * plan federal law governs and the state only sets the time zone; an address is not the plan's situs, so it says so.
     */
    private String stateBasis(RegimeCandidates regimes) {
        String state = regimes.state();
        if (state == null) {
            return "not known; nothing on file names it, so the deadlines of every state on file were considered";
        }
        String name = cases.law().regimes().state(state).filter(s -> !s.names().isEmpty()).map(s -> s.names().get(0)).orElse(state);
        String text = name + ", from " + regimes.stateSource().phrase();
        if (regimes.regimes().stream().allMatch(r -> r.kind().federal())) {
            text += " (federal law governs a self-funded plan; the state sets only the time zone the days are counted in)";
        } else if (regimes.stateSource().fromAnAddress()) {
            text += "; the plan's situs is not on file, and if the plan was issued in another state, that state's law governs";
        }
        return text;
    }

    private AppealRules.ExternalReviewBody body(Regime regime) {
        return cases.law().appeals().body(regime.kind(), regime.state()).orElseThrow(() -> new OverturnException(
                ErrorCode.BUSINESS_RULE, "external-review.yaml names no body for " + regime, "Coverage"));
    }

    private static @Nullable Deadline of(DeadlineSchedule schedule, Regime regime) {
        return schedule.deadlines().stream().filter(d -> d.regime().equals(regime)).findFirst().orElse(null);
    }

    private static ZoneId calculatorZone(@Nullable DeadlineSchedule filing, DeadlineSchedule standard) {
        if (filing != null && filing.actOn().isPresent()) {
            return filing.actOn().get().zone();
        }
        return standard.actOn().map(Deadline::zone).orElse(ZoneId.of("America/New_York"));
    }

    private static boolean urgent(Task task) {
        return task.getPriority() == Task.TaskPriority.URGENT || task.getPriority() == Task.TaskPriority.ASAP
                || task.getPriority() == Task.TaskPriority.STAT;
    }

    private static Set<String> sources(PaCase c, String appealRef) {
        Set<String> refs = new LinkedHashSet<>();
        refs.add(appealRef);
        refs.add(c.responseRef());
        refs.add(c.claimRef());
        refs.add(c.patientRef());
        refs.add("Coverage/" + c.coverage().getIdElement().getIdPart());
        return refs;
    }

    private List<String> policies() {
        return cases.policies(List.of("external-review.yaml", "jurisdictions.yaml", "regimes.yaml"));
    }
}
