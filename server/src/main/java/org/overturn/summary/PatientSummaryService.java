package org.overturn.summary;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.overturn.cases.CaseReader;
import org.overturn.cases.PaCase;
import org.overturn.law.Law;
import org.overturn.workflow.AppealProfiles;
import org.overturn.cases.DenialReader;
import org.overturn.cases.RegimeResolver;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.PayerDirectory;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.letter.CaseDocuments;
import org.overturn.letter.Dispensing;
import org.overturn.letter.Letter;
import org.overturn.letter.LetterDocuments;
import org.overturn.letter.PersonNames;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.cases.WorkflowSteps;
import org.jspecify.annotations.Nullable;

/**
 * {@code Claim/$patient-summary}: reads where the case stands (the payer's latest response, the appeal and
 * external-review Tasks with their deadlines, the clocks the law sets when no Task carries one), whom to call and the
 * cost-assistance programs for the drug, has {@link PatientSummaryComposer} write it plainly, and stores it as a
 * DocumentReference (Markdown and PDF) with a Provenance naming every record and knowledge file it rests on.
 */
public final class PatientSummaryService {
    private static final Set<Task.TaskStatus> ENDED = Set.of(Task.TaskStatus.COMPLETED, Task.TaskStatus.CANCELLED,
            Task.TaskStatus.FAILED, Task.TaskStatus.REJECTED, Task.TaskStatus.ENTEREDINERROR);

    private final ResourceStore store;
    private final CaseReader cases;
    private final PayerDirectory payers;
    private final DrugCatalog drugs;
    private final RegimeResolver resolver;
    private final DeadlineCalculator calculator;
    private final Knowledge knowledge;
    private final Law law;
    private final PatientSummaryComposer composer = new PatientSummaryComposer();
    private final Clock clock;

    public PatientSummaryService(ResourceStore store, CaseReader cases, PayerDirectory payers, DrugCatalog drugs, RegimeResolver resolver,
            DeadlineCalculator calculator, Knowledge knowledge, Law law, Clock clock) {
        this.store = store;
        this.cases = cases;
        this.payers = payers;
        this.drugs = drugs;
        this.resolver = resolver;
        this.calculator = calculator;
        this.knowledge = knowledge;
        this.law = law;
        this.clock = clock;
    }

    public DocumentReference summarize(String claimId) {
        Claim claim = (Claim) store.read("Claim", claimId).content();
        if (claim.getUse() != Claim.Use.PREAUTHORIZATION) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "Claim/" + claimId + " is not a prior authorization request"
                    + " (Claim.use is " + (claim.hasUse() ? claim.getUse().toCode() : "not set") + "); a patient summary follows a PA case",
                    "Claim.use");
        }
        PaCase c = cases.readClaim(claim);
        KnowledgeModel.Drug drug = drugs.recognize(c.product().getCoding().stream()
                .map(x -> new DrugCatalog.Coded(x.getSystem(), x.getCode(), x.getDisplay())).toList(), c.product().getText())
                .orElseThrow(() -> new OverturnException(ErrorCode.BUSINESS_RULE, "The drug of " + c.claimRef() + " is not one Overturn"
                        + " knows; the summary needs its name and programs", "Claim.item.productOrService"));
        Organization payorOrg = cases.find(c.coverage().getPayorFirstRep(), Organization.class).orElse(null);
        KnowledgeModel.Payer payer = payorOrg == null ? null : payers.identify(payorOrg.getIdentifier().stream()
                .map(i -> new KnowledgeModel.Identifier(i.getSystem(), i.getValue())).toList(), payorOrg.getName()).orElse(null);
        String payerName = payer != null ? payer.name() : payorOrg != null && payorOrg.hasName() ? payorOrg.getName() : "Your health plan";
        String state = c.patient().getAddress().stream().filter(Address::hasState)
                .map(a -> a.getState().trim().toUpperCase(Locale.ROOT)).findFirst().orElse(null);
        Instant now = clock.instant();
        ZoneId zone = law.regimes().states().stream().filter(s -> s.state().equals(state)).map(s -> ZoneId.of(s.zone()))
                .findFirst().orElse(ZoneId.of(law.regimes().defaultZone().zone()));
        Set<String> sources = new LinkedHashSet<>(List.of(c.claimRef(), c.patientRef(), "Coverage/" + c.coverage().getIdElement().getIdPart()));

        Condition condition = condition(claim, c);
        ClaimResponse response = cases.latestResponse(c.claimRef()).orElse(null);
        PatientSummaryComposer.Decision decision = decision(response, zone);
        List<Task> steps = response == null ? List.of() : steps("ClaimResponse/" + response.getIdElement().getIdPart());
        RegimeCandidates regimes = resolver.resolve(c.coverage(), c.subscriber(), c.patient());

        List<PatientSummaryComposer.Step> stepLines = new ArrayList<>();
        List<PatientSummaryComposer.Due> next = new ArrayList<>();
        for (Task t : steps) {
            String ref = "Task/" + t.getIdElement().getIdPart();
            sources.add(ref);
            boolean open = !ENDED.contains(t.getStatus());
            String kind = kind(WorkflowSteps.stepOf(t));
            stepLines.add(new PatientSummaryComposer.Step(ref, kind, date(t.getAuthoredOnElement(), zone), open,
                    open ? null : businessStatus(t), t.getExecutionPeriod().hasEnd() ? date(t.getExecutionPeriod().getEndElement(), zone) : null));
            if (open) {
                next.addAll(taskDeadlines(t, kind, payerName, now));
            }
        }
        if (response != null) {
            sources.add("ClaimResponse/" + response.getIdElement().getIdPart());
        }
        // No Task carries the clock of a request still waiting, or the window to appeal a denial not yet appealed: the law does.
        if (decision instanceof PatientSummaryComposer.NoAnswer || decision instanceof PatientSummaryComposer.Waiting) {
            Instant asked = claim.hasCreated() ? claim.getCreated().toInstant() : now;
            calculator.compute(regimes, asked, Step.INITIAL_DECISION, urgency(claim)).actOn().ifPresent(d -> next.add(due(
                    payerName + " must decide by about", d, now)));
        } else if (decision instanceof PatientSummaryComposer.Denied && response != null && steps.isEmpty() && response.hasCreated()) {
            calculator.compute(regimes, response.getCreated().toInstant(), Step.INTERNAL_APPEAL_FILING, Urgency.STANDARD).actOn()
                    .ifPresent(d -> next.add(due("Your doctor can appeal until", d, now)));
        }
        next.sort(Comparator.comparing(PatientSummaryComposer.Due::by));

        boolean approved = decision instanceof PatientSummaryComposer.Approved
                || stepLines.stream().anyMatch(s -> AppealProfiles.OVERTURNED.equals(s.outcome()));
        boolean denied = !approved && decision instanceof PatientSummaryComposer.Denied;
        Letter.Statement pharmacy = Dispensing.pharmacy(payer, drug).map(p -> new Letter.Statement((approved ? "Next, " : "If it is approved, ")
                + drug.displayName() + " will come from " + p.name() + ", the specialty pharmacy " + payerName + " uses. "
                + String.join(". ", p.notes().stream().map(KnowledgeModel.Sourced::text).toList()) + "."
                + (p.portal() == null ? "" : " You can also use " + p.portal() + ".")
                + (KnowledgeModel.UNVERIFIED.equals(p.verification()) ? PatientSummaryComposer.CHECK : ""), List.of(p.source()))).orElse(null);

        List<PatientSummaryComposer.Call> calls = new ArrayList<>();
        if (payer != null) {
            for (String use : List.of(KnowledgeModel.MEMBER_SERVICES, KnowledgeModel.MEMBER_SUPPORT)) {
                payer.contact(use, state).ifPresent(x -> calls.add(new PatientSummaryComposer.Call(
                        use.equals(KnowledgeModel.MEMBER_SERVICES) ? payerName + " member services" : x.what(), x.value(), x.hours(),
                        x.source(), KnowledgeModel.UNVERIFIED.equals(x.verification()))));
            }
        }
        office(c).ifPresent(calls::add);
        if (denied || stepLines.stream().anyMatch(s -> s.outcome() != null && !AppealProfiles.OVERTURNED.equals(s.outcome()))) {
            regulator(regimes).ifPresent(calls::add);
        }

        List<KnowledgeModel.CostProgram> programs = knowledge.costAssistance(drug.id(), state, payer == null ? null : payer.id());
        String conditionRef = condition == null ? null : "Condition/" + condition.getIdElement().getIdPart();
        if (conditionRef != null) {
            sources.add(conditionRef);
        }
        Letter letter = composer.compose(new PatientSummaryComposer.Input(
                PersonNames.of(c.patient().getNameFirstRep()), c.patientRef(), drug.displayName(), !drug.approved(), drug.source(),
                condition == null ? null : conditionText(condition), conditionRef,
                c.prescriber() == null ? "Your doctor" : PersonNames.of(c.prescriber().getNameFirstRep()), c.claimRef(),
                claim.hasCreated() ? LocalDate.ofInstant(claim.getCreated().toInstant(), zone) : null, payerName, decision,
                stepLines, next, pharmacy, calls, programs, LocalDate.ofInstant(now, zone)));

        Date date = Date.from(now);
        List<String> related = new ArrayList<>(List.of(c.claimRef()));
        if (response != null) {
            related.add("ClaimResponse/" + response.getIdElement().getIdPart());
        }
        DocumentReference doc = LetterDocuments.document(letter, CaseDocuments.Kind.PATIENT_SUMMARY, c.patientRef(), c.prescriberRef(),
                related, date);
        doc.setDocStatus(DocumentReference.ReferredDocumentStatus.FINAL); // nothing to sign: it is read, not sent
        return store.inTransaction(() -> {
            StoredResource stored = store.create(doc, null).stored();
            List<String> policies = new ArrayList<>();
            // the coverage knowledge's files, then the law's: each versions its own
            for (String file : List.of("payers.yaml", "cost-assistance.yaml", "drugs.yaml")) {
                policies.add(Canonical.BASE + "/knowledge/" + file + "|" + knowledge.fileVersions().getOrDefault(file, 0));
            }
            policies.add(Canonical.BASE + "/knowledge/jurisdictions.yaml|" + law.fileVersion("jurisdictions.yaml"));
            store.create(LetterDocuments.provenance(List.of(stored.versionedReference()), sources, policies, date), null);
            return (DocumentReference) stored.resource();
        });
    }

    private @Nullable Condition condition(Claim claim, PaCase c) {
        for (Claim.SupportingInformationComponent info : claim.getSupportingInfo()) {
            if (info.getValue() instanceof Reference ref) {
                Optional<Condition> found = cases.find(ref, Condition.class);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        var found = store.search(store.parse("Condition", Map.of("patient", List.of(c.patientRef()), "_count", List.of("1")), false)).items();
        return found.isEmpty() ? null : (Condition) found.get(0).resource();
    }

    private static String conditionText(Condition condition) {
        if (condition.getCode().hasText()) {
            return condition.getCode().getText();
        }
        return condition.getCode().getCoding().stream().filter(x -> x.hasDisplay()).map(x -> x.getDisplay()).findFirst().orElse("condition");
    }

    static PatientSummaryComposer.Decision decision(@Nullable ClaimResponse response, ZoneId zone) {
        if (response == null) {
            return new PatientSummaryComposer.NoAnswer();
        }
        String ref = "ClaimResponse/" + response.getIdElement().getIdPart();
        LocalDate on = response.hasCreated() ? LocalDate.ofInstant(response.getCreated().toInstant(), zone) : null;
        DenialReader.Decision d = DenialReader.read(response);
        return switch (d.outcome()) {
            case APPROVED -> new PatientSummaryComposer.Approved(ref, on, response.getPreAuthRef());
            case DENIED -> new PatientSummaryComposer.Denied(ref, on, d.points().stream().map(p -> p.reason()).distinct().limit(3).toList());
            case PENDED -> new PatientSummaryComposer.Waiting(ref, d.pendedNotes());
            case NO_DECISION -> new PatientSummaryComposer.Waiting(ref, List.of());
        };
    }

    /** The appeal and external-review Tasks of the denial, oldest first. */
    private List<Task> steps(String responseRef) {
        return cases.steps(responseRef).stream()
                .sorted(Comparator.comparing((Task t) -> t.hasAuthoredOn() ? t.getAuthoredOn() : new Date(0))
                        .thenComparing(t -> t.getMeta().getLastUpdated()))
                .toList();
    }

    private static String kind(@Nullable String step) {
        if (WorkflowSteps.SECOND_LEVEL_APPEAL.equals(step)) {
            return "a second appeal";
        }
        if (WorkflowSteps.EXTERNAL_REVIEW.equals(step)) {
            return "an outside review";
        }
        if (WorkflowSteps.PEER_TO_PEER.equals(step)) {
            return "a doctor-to-doctor review";
        }
        return "an appeal";
    }

    /** The deadlines to act on that the step Task carries (workflow-deadline extensions), in plain words. */
    static List<PatientSummaryComposer.Due> taskDeadlines(Task t, String kind, String payerName, Instant now) {
        List<PatientSummaryComposer.Due> out = new ArrayList<>();
        for (Extension e : t.getExtensionsByUrl(AppealProfiles.DEADLINE)) {
            if (!"true".equals(sub(e, "actOn")) || !(e.getExtensionByUrl("due") != null && e.getExtensionByUrl("due").getValue() instanceof DateTimeType due)) {
                continue;
            }
            boolean filing = "filing".equals(sub(e, "kind"));
            boolean review = kind.equals("an outside review");
            String what = filing ? (review ? "The outside review must be asked for by" : "Your doctor must send " + kind + " by")
                    : (review ? "The outside reviewer must answer by about" : payerName + " must answer " + kind + " by about");
            String verification = sub(e, "verification");
            Instant at = due.getValue().toInstant();
            ZoneId zone = due.getTimeZone() == null ? ZoneId.of("UTC") : due.getTimeZone().toZoneId();
            out.add(new PatientSummaryComposer.Due(what, at.atZone(zone), sub(e, "citation") + " (on Task/" + t.getIdElement().getIdPart() + ")",
                    // Doubtful as the law's own clocks are (unverified, or in conflict and unverified); a label
                    // this server does not know is doubtful too.
                    verification == null || org.overturn.law.JurisdictionRules.Verification.fromLabel(verification)
                            .map(org.overturn.law.JurisdictionRules.Verification::doubtful).orElse(true),
                    filing && now.isAfter(at)));
        }
        return out;
    }

    private static String sub(Extension e, String url) {
        Extension x = e.getExtensionByUrl(url);
        return x == null || x.getValue() == null ? "" : x.getValue().primitiveValue();
    }

    private static PatientSummaryComposer.Due due(String what, Deadline d, Instant now) {
        return new PatientSummaryComposer.Due(what, d.localDue(), d.citation(), d.verification().doubtful(), now.isAfter(d.due()));
    }

    private static Urgency urgency(Claim claim) {
        return claim.getPriority().getCoding().stream().anyMatch(x -> "stat".equals(x.getCode())) ? Urgency.EXPEDITED : Urgency.STANDARD;
    }

    private static @Nullable String businessStatus(Task task) {
        return AppealProfiles.businessStatus(task); // read as the appeals feature reads it
    }

    /** The practice's phone, from the records that carry it. */
    private Optional<PatientSummaryComposer.Call> office(PaCase c) {
        Organization org = cases.find(c.patient().getManagingOrganization(), Organization.class).orElse(null);
        if (org == null) {
            return Optional.empty();
        }
        return org.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE && t.hasValue()).findFirst()
                .map(t -> new PatientSummaryComposer.Call("Your doctor's office, " + org.getName(), t.getValue(), null,
                        "Organization/" + org.getIdElement().getIdPart(), false));
    }

    /** The state body that helps with appeals and reviews outside the plan, for the first candidate regime. */
    private Optional<PatientSummaryComposer.Call> regulator(RegimeCandidates regimes) {
        for (Regime regime : regimes.regimes()) {
            var body = law.appeals().body(regime.kind(), regime.state());
            if (body.isPresent()) {
                var phone = body.get().contacts().stream().filter(x -> x.what().equals("phone")).findFirst();
                if (phone.isPresent()) {
                    return Optional.of(new PatientSummaryComposer.Call(body.get().body(), phone.get().value(),
                            "help with appeals and outside reviews", phone.get().source(),
                            KnowledgeModel.UNVERIFIED.equals(phone.get().verification())));
                }
            }
        }
        return Optional.empty();
    }

    private static @Nullable LocalDate date(DateTimeType value, ZoneId zone) {
        return value == null || value.getValue() == null ? null : LocalDate.ofInstant(value.getValue().toInstant(), zone);
    }
}
