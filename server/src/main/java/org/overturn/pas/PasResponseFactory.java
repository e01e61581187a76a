package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.StoredJson;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/** Builds the PAS ClaimResponse, the PA workflow Task and the PAS response Bundle. */
final class PasResponseFactory {
    /** Bounds the response Bundle; a PA request references a chart, not a database. */
    private static final int MAX_ENTRIES = 1000;

    private final FhirContext ctx;

    PasResponseFactory(FhirContext ctx) {
        this.ctx = ctx;
    }

    private static ClaimResponse base(Claim claim, Date now) {
        ClaimResponse response = new ClaimResponse();
        response.setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE);
        response.setType(claim.getType().copy());
        response.setUse(ClaimResponse.Use.PREAUTHORIZATION);
        response.setPatient(claim.getPatient().copy());
        response.setCreated(now);
        response.setInsurer(claim.getInsurer().copy());
        response.setRequestor(claim.getProvider().copy());
        response.setRequest(new Reference(reference(claim)));
        return response;
    }

    private static void reviewAction(ClaimResponse.AdjudicationComponent adjudication, PayerDecision.ReviewAction action,
            @Nullable String number) {
        adjudication.setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", "Submitted Amount")));
        Extension reviewAction = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        reviewAction.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(
                new Coding(PasProfiles.X12_306, action.code, action.display)));
        if (number != null) {
            reviewAction.addExtension("number", new StringType(number));
        }
    }

    ClaimResponse claimResponse(Claim claim, PayerDecision decision, Date now) {
        ClaimResponse response = base(claim, now);
        // PAS: a decision, pended included, is a complete response; pended items say so in their review action.
        response.setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE);
        response.setDisposition(disposition(decision));
        if (decision.preAuthRef() != null) {
            response.setPreAuthRef(decision.preAuthRef());
        }
        int note = 0;
        LocalDate issued = LocalDate.ofInstant(now.toInstant(), ZoneOffset.UTC);
        for (PayerDecision.ItemDecision item : decision.items()) {
            ClaimResponse.ItemComponent out = response.addItem().setItemSequence(item.sequence());
            echoTraceNumbers(claim, out);
            ClaimResponse.AdjudicationComponent adjudication = out.addAdjudication();
            reviewAction(adjudication, item.action(), item.number());
            if (item.action() == PayerDecision.ReviewAction.APPROVED) {
                authorizationDates(response, out, issued, item.approvalMonths());
            }
            if (!item.denials().isEmpty()) {
                PayerDecision.Denial first = item.denials().get(0);
                adjudication.setReason(new CodeableConcept(new Coding(PasProfiles.CARC, first.carc(), first.carcDisplay()))
                        .setText(first.reason()));
            }
            for (PayerDecision.Denial denial : item.denials()) {
                out.addNoteNumber(++note);
                response.addProcessNote().setNumber(note).setType(Enumerations.NoteType.DISPLAY)
                        .setText("Denied (CARC " + denial.carc() + "): " + denial.reason() + ". " + denial.detail()
                                + " [" + item.policy() + ", criterion " + denial.criterionId() + "]");
            }
            for (String missing : item.missing()) {
                out.addNoteNumber(++note);
                response.addProcessNote().setNumber(note).setType(Enumerations.NoteType.DISPLAY)
                        .setText("Pended: send " + missing + " [" + item.policy() + "]");
            }
            if (item.action() == PayerDecision.ReviewAction.CANCELLED) {
                out.addNoteNumber(++note);
                response.addProcessNote().setNumber(note).setType(Enumerations.NoteType.DISPLAY)
                        .setText("Cancelled: the request withdraws this item; it was not decided");
            }
            if (item.review() != null) {
                out.addNoteNumber(++note);
                response.addProcessNote().setNumber(note).setType(Enumerations.NoteType.DISPLAY)
                        .setText("Pended for review: " + item.review());
            }
        }
        return response;
    }

    /** PAS: the response item carries the trace numbers the submitter gave the item, so it can match the two. */
    private static void echoTraceNumbers(Claim claim, ClaimResponse.ItemComponent out) {
        claim.getItem().stream().filter(i -> i.getSequence() == out.getItemSequence()).findFirst()
                .ifPresent(i -> i.getExtensionsByUrl(PasProfiles.ITEM_TRACE_NUMBER).forEach(e -> out.addExtension(e.copy())));
    }

    /**
     * An approved item's issue date and, where the policy says how long approvals last, the period it is valid (the
     * last day included); the response's {@code preAuthPeriod} spans its items' periods.
     */
    private static void authorizationDates(ClaimResponse response, ClaimResponse.ItemComponent out, LocalDate issued,
            @Nullable Integer months) {
        out.addExtension(PasProfiles.ITEM_PRE_AUTH_ISSUE_DATE, new DateType(issued.toString()));
        if (months == null) {
            return;
        }
        LocalDate end = issued.plusMonths(months).minusDays(1);
        out.addExtension(PasProfiles.ITEM_PRE_AUTH_PERIOD, period(issued, end));
        Period whole = response.getPreAuthPeriod();
        if (!whole.hasStart() || whole.getStartElement().getValueAsString().compareTo(issued.toString()) > 0) {
            whole.setStartElement(new DateTimeType(issued.toString()));
        }
        if (!whole.hasEnd() || whole.getEndElement().getValueAsString().compareTo(end.toString()) < 0) {
            whole.setEndElement(new DateTimeType(end.toString()));
        }
    }

    private static Period period(LocalDate start, LocalDate end) {
        return new Period().setStartElement(new DateTimeType(start.toString())).setEndElement(new DateTimeType(end.toString()));
    }

    private static String disposition(PayerDecision decision) {
        if (PasProfiles.CANCELLED.equals(decision.businessStatus())) {
            return "Request cancelled: every item was withdrawn by the provider; nothing was decided";
        }
        List<String> parts = new ArrayList<>();
        for (PayerDecision.ItemDecision item : decision.items()) {
            String what = switch (item.action()) {
                case APPROVED -> "approved (authorization " + item.number() + ")";
                case DENIED -> "denied: " + item.denials().get(0).reason();
                case PENDED -> item.review() != null ? "pended for review"
                        : "pended until the payer receives: " + String.join("; ", item.missing());
                case CANCELLED -> "cancelled (withdrawn by the provider)";
            };
            parts.add(item.product() + " " + what);
        }
        return decision.payer() + " sandbox decision: " + String.join(". ", parts);
    }

    /** Says which entries of the request Bundle were left out because the Claim does not reach them. */
    static void noteIgnored(ClaimResponse response, List<String> ignored) {
        if (ignored.isEmpty()) {
            return;
        }
        int number = response.getProcessNote().size() + 1;
        response.addProcessNote().setNumber(number).setType(Enumerations.NoteType.DISPLAY)
                .setText("Not stored: " + String.join(", ", ignored) + " of the request Bundle, which the Claim does not"
                        + " reference directly or through its other entries; list supporting information in Claim.supportingInfo");
    }

    /**
     * An earlier request that a claim update replaced or cancelled before its items were decided: what was pended (or
     * queued at a payer) is answered cancelled, saying by what, so that an inquiry about the earlier request does not
     * go on answering "pended". Decided items stay as they were.
     */
    static boolean endUndecided(ClaimResponse response, String why) {
        boolean changed = false;
        int note = response.getProcessNote().stream().mapToInt(n -> n.getNumber()).max().orElse(0);
        for (ClaimResponse.ItemComponent item : response.getItem()) {
            for (ClaimResponse.AdjudicationComponent adjudication : item.getAdjudication()) {
                Extension code = PasProfiles.reviewActionCode(adjudication);
                if (code != null && code.getValue() instanceof CodeableConcept concept
                        && concept.hasCoding(PasProfiles.X12_306, PayerDecision.ReviewAction.PENDED.code)) {
                    code.setValue(new CodeableConcept(new Coding(PasProfiles.X12_306,
                            PayerDecision.ReviewAction.CANCELLED.code, PayerDecision.ReviewAction.CANCELLED.display)));
                    item.addNoteNumber(++note);
                    response.addProcessNote().setNumber(note).setType(Enumerations.NoteType.DISPLAY)
                            .setText("Cancelled before a decision: " + why);
                    changed = true;
                }
            }
        }
        if (changed) {
            response.setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE);
            response.setDisposition(why + "; the answer to that request is the current one");
        }
        return changed;
    }

    /** The PA step as a Task: done when the payer decided, in progress while the request is pended. */
    Task task(Claim claim, ClaimResponse response, PayerDecision decision, Date now) {
        return task(claim, response, decision.businessStatus(), "Prior authorization of " + String.join(", ",
                decision.items().stream().map(PayerDecision.ItemDecision::product).toList()) + " with " + decision.payer(), now);
    }

    Task task(Claim claim, ClaimResponse response, String businessStatus, String description, Date now) {
        Task task = new Task();
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(WorkflowSteps.SYSTEM, WorkflowSteps.PRIOR_AUTHORIZATION, "Prior authorization")));
        setStatus(task, businessStatus, response.getDisposition(), now);
        task.setDescription(description);
        task.setFocus(new Reference(reference(claim)));
        task.setFor(claim.getPatient().copy());
        task.setRequester(claim.getProvider().copy());
        task.setOwner(claim.getInsurer().copy());
        task.setAuthoredOn(now);
        for (Claim.ItemComponent item : claim.getItem()) {
            Extension requested = item.getExtensionByUrl(PasProfiles.REQUESTED_SERVICE);
            if (requested != null && requested.getValue() instanceof Reference order) {
                task.addBasedOn(order.copy());
            }
        }
        task.addInput().setType(new CodeableConcept(new Coding(PasProfiles.TASK_CODES, PasProfiles.TASK_REQUEST, "PA request")))
                .setValue(new Reference(reference(claim)));
        task.addOutput().setType(new CodeableConcept(new Coding(PasProfiles.TASK_CODES, PasProfiles.TASK_RESPONSE, "PA response")))
                .setValue(new Reference(reference(response)));
        return task;
    }

    /**
     * Task.status follows the business status: open while the payer has not decided, failed on a payer error,
     * cancelled when the provider withdrew every item.
     */
    static void setStatus(Task task, String businessStatus, String text, Date now) {
        task.setStatus(switch (businessStatus) {
            case PasProfiles.PENDED, PasProfiles.SUBMITTED -> Task.TaskStatus.INPROGRESS;
            case PasProfiles.ERROR -> Task.TaskStatus.FAILED;
            case PasProfiles.CANCELLED -> Task.TaskStatus.CANCELLED;
            default -> Task.TaskStatus.COMPLETED;
        });
        task.setBusinessStatus(new CodeableConcept(new Coding(PasProfiles.BUSINESS_STATUS, businessStatus, null)).setText(text));
        task.setLastModified(now);
    }

    /**
     * The answer while a routed payer has not decided yet: received, every item pended but those the request
     * withdraws, which are cancelled.
     */
    ClaimResponse queued(Claim claim, String payer, Date now) {
        ClaimResponse response = base(claim, now);
        // PAS binds outcome to complete, error or partial (its ClaimResponseOutcome value set; no "queued"): the
        // request is received, and its pended items say the decision is still to come.
        response.setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE);
        response.setDisposition("Sent to " + payer + "; its decision follows (ask Claim/$inquire)");
        for (Claim.ItemComponent item : claim.getItem()) {
            reviewAction(response.addItem().setItemSequence(item.getSequence()).addAdjudication(),
                    Cancellations.itemCancelled(claim, item) ? PayerDecision.ReviewAction.CANCELLED : PayerDecision.ReviewAction.PENDED,
                    null);
        }
        return response;
    }

    /**
     * Takes the payer's decision into our stored ClaimResponse: its outcome, items, notes and authorization, while the
     * references stay those of this server. Returns the business status, or empty when an item carries a review
     * action this server does not know (nothing is guessed).
     */
    Optional<String> applyPayerAnswer(ClaimResponse ours, ClaimResponse payer) {
        List<String> codes = new ArrayList<>();
        for (ClaimResponse.ItemComponent item : payer.getItem()) {
            for (ClaimResponse.AdjudicationComponent adjudication : item.getAdjudication()) {
                Extension code = PasProfiles.reviewActionCode(adjudication);
                if (code != null && code.getValue() instanceof CodeableConcept concept) {
                    concept.getCoding().stream().filter(c -> PasProfiles.X12_306.equals(c.getSystem()))
                            .forEach(c -> codes.add(c.getCode()));
                }
            }
        }
        Optional<String> status = PayerAnswers.businessStatus(codes);
        if (status.isEmpty()) {
            return status;
        }
        ours.setOutcome(payer.getOutcome() == ClaimResponse.RemittanceOutcome.ERROR
                || payer.getOutcome() == ClaimResponse.RemittanceOutcome.PARTIAL
                ? payer.getOutcome() : ClaimResponse.RemittanceOutcome.COMPLETE); // PAS allows no other outcome
        ours.setDisposition(payer.getDisposition());
        ours.setPreAuthRefElement(payer.getPreAuthRefElement().copy());
        ours.setPreAuthPeriod(payer.getPreAuthPeriod().copy());
        ours.getIdentifier().clear();
        payer.getIdentifier().forEach(i -> ours.addIdentifier(i.copy()));
        ours.getItem().clear();
        payer.getItem().forEach(i -> ours.addItem(i.copy()));
        ours.getProcessNote().clear();
        payer.getProcessNote().forEach(n -> ours.addProcessNote(n.copy()));
        return status;
    }

    /**
     * A PAS Bundle: {@code first} (the ClaimResponse of a response, the Claim of a request), then every resource it
     * references, directly or through others, each once, named by its URL on this server; with a new identifier and
     * the time it was built.
     */
    Bundle bundle(String serverBase, Resource first, Function<String, Optional<Resource>> read, Date now) {
        return bundle(serverBase, first, read, now, null);
    }

    /**
     * The same, identified by {@code transaction} when the request Bundle that this one answers or forwards had an
     * identifier: PAS calls it the submitter's transaction identifier (X12 BHT03), and its examples answer a request
     * with a response Bundle of the same identifier.
     */
    Bundle bundle(String serverBase, Resource first, Function<String, Optional<Resource>> read, Date now,
            @Nullable Identifier transaction) {
        Map<String, Resource> found = new LinkedHashMap<>();
        found.put(reference(first), first);
        Deque<Resource> queue = new ArrayDeque<>(List.of(first));
        while (!queue.isEmpty() && found.size() < MAX_ENTRIES) {
            for (Reference ref : references(queue.poll())) {
                String target = ref.getReferenceElement().toUnqualifiedVersionless().getValue();
                if (target != null && target.contains("/") && !target.startsWith("#") && !found.containsKey(target)) {
                    Optional<Resource> resource = read.apply(target);
                    if (resource.isPresent()) {
                        found.put(target, resource.get());
                        queue.add(resource.get());
                    }
                }
            }
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(now);
        // PAS Bundles carry an identifier (must-support, the X12 transaction's trace): the request's, else a new one.
        bundle.setIdentifier(transaction != null ? transaction.copy()
                : new Identifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + UUID.randomUUID()));
        String base = serverBase.endsWith("/") ? serverBase.substring(0, serverBase.length() - 1) : serverBase;
        found.forEach((ref, resource) -> bundle.addEntry().setFullUrl(base + "/" + ref).setResource(resource));
        // Every caller passes resources as the store wrote or read them: the edge may answer with their stored JSON.
        bundle.setUserData(StoredJson.ENTRIES_AS_STORED, Boolean.TRUE);
        return bundle;
    }

    private List<Reference> references(Resource resource) {
        return ctx.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class);
    }

    String json(Resource resource) {
        return ctx.newJsonParser().encodeResourceToString(resource);
    }

    static String reference(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
}
