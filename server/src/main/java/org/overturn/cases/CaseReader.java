package org.overturn.cases;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.overturn.profiles.PasProfiles;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.HistoryEntry;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/**
 * The one place that reads a prior-authorization case from the store, for every feature that works on one (PA,
 * appeals, letters, fax packets, the patient summary): the Claim and what it references ({@link PaCase}), the payer's
 * latest response, and the workflow Tasks of each step. References that do not resolve are a 422 naming the element to
 * fix; a resource that is simply absent is an empty answer, never a swallowed exception.
 */
public final class CaseReader {
    private final ResourceStore store;

    CaseReader(ResourceStore store) {
        this.store = store;
    }

    public PaCase read(ClaimResponse response) {
        String name = "ClaimResponse/" + response.getIdElement().getIdPart();
        Claim claim = required(response.getRequest(), Claim.class, name + ": ClaimResponse.request must reference the Claim it answers",
                "ClaimResponse.request");
        return read(claim, response);
    }

    /** The case of a Claim without a payer response (letters written before or beside a PA request). */
    public PaCase readClaim(Claim claim) {
        return read(claim, null);
    }

    private PaCase read(Claim claim, @Nullable ClaimResponse response) {
        Claim.InsuranceComponent insurance = claim.getInsurance().stream().filter(Claim.InsuranceComponent::getFocal)
                .findFirst().orElse(claim.getInsuranceFirstRep());
        String claimName = "Claim/" + claim.getIdElement().getIdPart();
        Coverage coverage = required(insurance.getCoverage(), Coverage.class,
                claimName + ": Claim.insurance.coverage must reference the Coverage", "Claim.insurance.coverage");
        Patient patient = required(claim.getPatient(), Patient.class, claimName + ": Claim.patient must reference the Patient",
                "Claim.patient");
        Resource subscriber = find(coverage.getSubscriber(), Resource.class).orElse(null);
        MedicationRequest order = order(claim);
        Practitioner prescriber = prescriber(claim.getProvider());
        Task paTask = paTask(claimName);
        return new PaCase(response, claim, coverage, patient, subscriber, order, prescriber, paTask, product(claim, order));
    }

    private @Nullable MedicationRequest order(Claim claim) {
        for (Claim.ItemComponent item : claim.getItem()) {
            Extension requested = item.getExtensionByUrl(PasProfiles.REQUESTED_SERVICE);
            if (requested != null && requested.getValue() instanceof Reference ref) {
                Optional<MedicationRequest> order = find(ref, MedicationRequest.class);
                if (order.isPresent()) {
                    return order.get();
                }
            }
        }
        return find(claim.getPrescription(), MedicationRequest.class).orElse(null);
    }

    private @Nullable Practitioner prescriber(Reference provider) {
        Optional<Resource> who = find(provider, Resource.class);
        if (who.isPresent() && who.get() instanceof Practitioner p) {
            return p;
        }
        if (who.isPresent() && who.get() instanceof PractitionerRole role) {
            return find(role.getPractitioner(), Practitioner.class).orElse(null);
        }
        return null;
    }

    /** The newest PA Task of Claim {@code claimRef} ("Claim/id"), if the Claim went through $submit. */
    public @Nullable Task paTask(String claimRef) {
        var found = store.search(store.parse("Task", Map.of(
                "focus", List.of(claimRef),
                "code", List.of(WorkflowSteps.SYSTEM + "|" + WorkflowSteps.PRIOR_AUTHORIZATION),
                "_sort", List.of("-_lastUpdated")), false));
        return found.items().isEmpty() ? null : (Task) found.items().get(0).resource();
    }

    /** Every PA Task of Claim {@code claimRef} ("Claim/id"), newest first. */
    public List<Task> paTasks(String claimRef) {
        return store.search(store.parse("Task", Map.of(
                "focus", List.of(claimRef),
                "code", List.of(WorkflowSteps.SYSTEM + "|" + WorkflowSteps.PRIOR_AUTHORIZATION),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of("100")), false)).items().stream().map(s -> (Task) s.content()).toList();
    }

    /**
     * The workflow Tasks below {@code taskRef} ("Task/id"): those partOf it, and those partOf them (an appeal of the PA
     * step, the external review of the appeal), each once.
     */
    public List<Task> stepsBelow(String taskRef) {
        List<Task> found = new ArrayList<>();
        Set<String> seen = new HashSet<>(List.of(taskRef));
        Deque<String> parents = new ArrayDeque<>(List.of(taskRef));
        while (!parents.isEmpty()) {
            for (StoredResource s : store.search(store.parse("Task", Map.of(
                    "part-of", List.of(parents.removeFirst()),
                    "_count", List.of("100")), false)).items()) {
                Task task = (Task) s.content();
                String ref = "Task/" + task.getIdElement().getIdPart();
                if (WorkflowSteps.stepOf(task) != null && seen.add(ref)) {
                    found.add(task);
                    parents.add(ref);
                }
            }
        }
        return found;
    }

    /**
     * The ClaimResponse the newest PA Task of Claim {@code claimRef} points at: the answer of a request that came
     * through $submit (a Claim written otherwise has no PA Task).
     */
    public Optional<ClaimResponse> submittedResponse(String claimRef) {
        Task task = paTask(claimRef);
        if (task == null) {
            return Optional.empty();
        }
        for (Task.TaskOutputComponent output : task.getOutput()) {
            if (output.getValue() instanceof Reference ref && ref.getReference() != null
                    && ref.getReference().startsWith("ClaimResponse/")) {
                Optional<ClaimResponse> response = find(ref, ClaimResponse.class);
                if (response.isPresent()) {
                    return response;
                }
            }
        }
        return Optional.empty();
    }

    /** The payer's latest response to Claim {@code claimRef} ("Claim/id"), if it has answered. */
    public Optional<ClaimResponse> latestResponse(String claimRef) {
        var found = store.search(store.parse("ClaimResponse", Map.of(
                "request", List.of(claimRef),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of("1")), false)).items();
        return found.isEmpty() ? Optional.empty() : Optional.of((ClaimResponse) found.get(0).content());
    }

    /**
     * The workflow Tasks of the given steps ({@link WorkflowSteps} codes; none: every step) that focus on {@code focusRef}
     * (a denial's ClaimResponse, an appeal Task), newest first.
     */
    public List<Task> steps(String focusRef, String... steps) {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        query.put("focus", List.of(focusRef));
        if (steps.length > 0) {
            query.put("code", List.of(String.join(",", java.util.Arrays.stream(steps).map(s -> WorkflowSteps.SYSTEM + "|" + s).toList())));
        }
        query.put("_sort", List.of("-_lastUpdated"));
        query.put("_count", List.of("100"));
        return store.search(store.parse("Task", query, false)).items().stream()
                .map(s -> (Task) s.resource())
                .filter(t -> steps.length > 0 || WorkflowSteps.stepOf(t) != null)
                .toList();
    }

    /** What the Claim asks for: the first item's product, with the order's medication codes and text. */
    private static CodeableConcept product(Claim claim, @Nullable MedicationRequest order) {
        CodeableConcept product = claim.getItemFirstRep().getProductOrService().copy();
        if (order != null && order.hasMedicationCodeableConcept()) {
            CodeableConcept medication = order.getMedicationCodeableConcept();
            medication.getCoding().forEach(c -> product.addCoding(c.copy()));
            if (medication.hasText()) {
                product.setText(medication.getText());
            }
        }
        return product;
    }

    private <T extends Resource> T required(Reference ref, Class<T> type, String message, String where) {
        return find(ref, type).orElseThrow(() -> new OverturnException(ErrorCode.BUSINESS_RULE,
                message + (ref.hasReference() ? " (" + ref.getReference() + " is not on this server)" : ""), where));
    }

    /** The resource a local reference points at, if it is on this server and of the type asked for. */
    public <T extends Resource> Optional<T> find(@Nullable Reference ref, Class<T> type) {
        if (ref == null || !ref.hasReferenceElement() || ref.getReferenceElement().isAbsolute()) {
            return Optional.empty();
        }
        return store.find(ref.getReferenceElement().toUnqualifiedVersionless().getValue())
                .map(StoredResource::resource).filter(type::isInstance).map(type::cast);
    }

    /**
     * When the plan decided an appeal: {@code Task.executionPeriod.end}, else the {@code created} of a decision
     * ClaimResponse among its outputs, else when the Task was first written as completed.
     */
    public Instant decidedAt(Task task) {
        if (task.getExecutionPeriod().hasEnd()) {
            return task.getExecutionPeriod().getEnd().toInstant();
        }
        for (Task.TaskOutputComponent output : task.getOutput()) {
            if (output.getValue() instanceof Reference ref) {
                Optional<ClaimResponse> decision = find(ref, ClaimResponse.class);
                if (decision.isPresent() && decision.get().hasCreated()) {
                    return decision.get().getCreatedElement().getValue().toInstant();
                }
            }
        }
        Instant completed = null;
        String id = task.getIdElement().getIdPart();
        for (HistoryEntry entry : store.history("Task", id, null, 100, 0).items()) { // newest first
            if (entry.stored().resource() instanceof Task version && version.getStatus() == Task.TaskStatus.COMPLETED) {
                completed = entry.stored().lastUpdated();
            } else {
                break;
            }
        }
        return completed != null ? completed : task.getMeta().getLastUpdated().toInstant();
    }
}
