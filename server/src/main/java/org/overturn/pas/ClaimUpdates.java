package org.overturn.pas;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.cases.CaseReader;
import org.overturn.cases.WorkflowSteps;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;

/**
 * PAS claim updates (the Claim Update profile): a request whose {@code Claim.related} names, with relationship
 * {@code prior} or none, an earlier request the same client submitted through $submit replaces it, and joins its case.
 * The update's PA Task carries the case's {@code groupIdentifier} ({@link WorkflowSteps#CASE_IDENTIFIER}) and names
 * the earlier Claim as an input. The earlier request's PA Task, if still open (pended, or queued at a routed payer),
 * is cancelled with a statusReason naming the update: its follow-up is the update's now, so no stale follow-up or
 * deadline keeps running (cancelled rather than completed: the earlier request got no final decision), and the outbox
 * stops asking the payer about it. A decided PA Task stays as it was. An update that withdraws every item
 * ({@link Cancellations}) ends the case: the open workflow Tasks below the earlier PA Tasks (an appeal, an external
 * review) are cancelled too. What the earlier ClaimResponse still pended is answered cancelled, naming the update, so
 * that $inquire about the earlier request tells where its answer went. Writes join the caller's transaction.
 */
final class ClaimUpdates {
    private static final String RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship";
    private static final Set<Task.TaskStatus> OPEN = Set.of(Task.TaskStatus.DRAFT, Task.TaskStatus.REQUESTED,
            Task.TaskStatus.RECEIVED, Task.TaskStatus.ACCEPTED, Task.TaskStatus.READY, Task.TaskStatus.INPROGRESS,
            Task.TaskStatus.ONHOLD);

    private final ResourceStore store;
    private final CaseReader cases;
    private final PasOutbox outbox;
    /** The digest a stored request was submitted with ({@link PasSubmissions#digest}). */
    private final java.util.function.Function<String, Optional<String>> digests;

    ClaimUpdates(ResourceStore store, CaseReader cases, PasOutbox outbox,
            java.util.function.Function<String, Optional<String>> digests) {
        this.store = store;
        this.cases = cases;
        this.outbox = outbox;
        this.digests = digests;
    }

    /** An earlier request an update replaces: its stored Claim and PA Tasks. */
    record Earlier(Claim claim, List<Task> paTasks) {
        String ref() {
            return "Claim/" + claim.getIdElement().getIdPart();
        }
    }

    /**
     * The stored requests {@code update} replaces: each {@code Claim.related.claim} named by identifier (as the Bundle
     * reader names a carried earlier Claim) or by a reference to this server, that came through $submit. A related
     * Claim with another relationship (associated) is not replaced; one not found here is only named. Another
     * client's request is refused: an update cannot reach into it.
     */
    List<Earlier> earlier(Claim update, List<String> relatedDigests, Predicate<String> submittedByCaller) {
        List<Earlier> out = new ArrayList<>();
        String self = update.getIdElement().getIdPart();
        for (int i = 0; i < update.getRelated().size(); i++) {
            Claim.RelatedClaimComponent related = update.getRelated().get(i);
            boolean replaces = !related.getRelationship().hasCoding()
                    || related.getRelationship().hasCoding(RELATIONSHIP, "prior");
            String digest = i < relatedDigests.size() ? relatedDigests.get(i) : "";
            Optional<Claim> found = replaces ? find(related.getClaim(), digest, self) : Optional.empty();
            if (found.isEmpty() || found.get().getIdElement().getIdPart().equals(self)
                    || out.stream().anyMatch(e -> e.claim().getIdElement().getIdPart().equals(found.get().getIdElement().getIdPart()))) {
                continue;
            }
            String id = found.get().getIdElement().getIdPart();
            List<Task> tasks = cases.paTasks("Claim/" + id);
            if (tasks.isEmpty()) {
                continue; // written otherwise than through $submit: no case to join
            }
            if (!submittedByCaller.test(id)) {
                throw new OverturnException(ErrorCode.BUSINESS_RULE, "Claim.related names a request another client submitted;"
                        + " a claim update can only replace the caller's own requests", "Claim.related");
            }
            out.add(new Earlier(found.get(), tasks));
        }
        return out;
    }

    /**
     * The earlier request a reference names: by identifier, the one submitted with {@code digest} (the Claim the
     * Bundle carries, as sent then) when several were sent under that identifier, else the latest; never the update.
     */
    private Optional<Claim> find(Reference ref, String digest, String self) {
        if (ref.hasIdentifier() && ref.getIdentifier().hasValue()) {
            List<StoredResource> found = store.search(store.parse("Claim", Map.of(
                    "use", List.of("preauthorization"),
                    "identifier", List.of(PasService.token(ref.getIdentifier())),
                    "_sort", List.of("-_lastUpdated"),
                    "_count", List.of("100")), false)).items().stream()
                    .filter(s -> !s.id().equals(self)).toList();
            return found.stream().filter(s -> !digest.isEmpty() && digests.apply(s.id()).map(digest::equals).orElse(false))
                    .findFirst().or(() -> found.stream().findFirst())
                    .map(s -> (Claim) s.content());
        }
        return cases.find(ref, Claim.class);
    }

    /** The case the update belongs to: that of the request it replaces, else a new one named by its own Claim. */
    static Identifier caseIdentifier(List<Earlier> earlier, Claim update) {
        for (Earlier e : earlier) {
            for (Task task : e.paTasks()) {
                if (WorkflowSteps.CASE_IDENTIFIER.equals(task.getGroupIdentifier().getSystem())) {
                    return task.getGroupIdentifier().copy();
                }
            }
        }
        Claim first = earlier.isEmpty() ? update : earlier.get(0).claim();
        return new Identifier().setSystem(WorkflowSteps.CASE_IDENTIFIER).setValue(first.getIdElement().getIdPart());
    }

    /** Joins the update's (not yet written) PA Task to the case and names the requests it replaces. */
    static void link(Task task, List<Earlier> earlier, Identifier caseId) {
        task.setGroupIdentifier(caseId.copy());
        for (Earlier e : earlier) {
            task.addInput().setType(new CodeableConcept(new Coding(PasProfiles.TASK_CODES, PasProfiles.TASK_EARLIER_REQUEST,
                    "Earlier PA request"))).setValue(new Reference(e.ref()));
        }
    }

    /**
     * Ends what the update leaves behind: the earlier requests' open PA Tasks, and when it cancels the request every
     * open step below them; the outbox stops asking the payer about them.
     */
    void replace(List<Earlier> earlier, Claim update, Identifier caseId, boolean cancelsAll, Date now) {
        Identifier id = update.getIdentifierFirstRep();
        String by = "Claim/" + update.getIdElement().getIdPart() + " (" + id.getSystem() + "|" + id.getValue() + ")";
        String why = cancelsAll ? "The request was cancelled by " + by : "Replaced by the claim update " + by;
        for (Earlier e : earlier) {
            for (Task task : e.paTasks()) {
                boolean open = OPEN.contains(task.getStatus());
                boolean unnamed = !task.hasGroupIdentifier();
                if (open) {
                    end(task, why, now);
                }
                if (unnamed) {
                    task.setGroupIdentifier(caseId.copy()); // written before cases were named: the whole case carries it
                }
                if (open || unnamed) {
                    store.update("Task", task.getIdElement().getIdPart(), task, null);
                }
                if (cancelsAll) {
                    for (Task step : cases.stepsBelow("Task/" + task.getIdElement().getIdPart())) {
                        if (OPEN.contains(step.getStatus())) {
                            end(step, why, now);
                            store.update("Task", step.getIdElement().getIdPart(), step, null);
                        }
                    }
                }
            }
            cases.submittedResponse(e.ref()).filter(response -> PasResponseFactory.endUndecided(response, why))
                    .ifPresent(response -> store.update("ClaimResponse", response.getIdElement().getIdPart(), response, null));
            outbox.stopAsking(e.claim().getIdElement().getIdPart(), now.toInstant(), why);
        }
    }

    private static void end(Task task, String why, Date now) {
        task.setStatus(Task.TaskStatus.CANCELLED);
        task.setStatusReason(new CodeableConcept().setText(why));
        task.setLastModified(now);
    }
}
