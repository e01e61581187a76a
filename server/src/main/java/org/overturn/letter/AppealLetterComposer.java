package org.overturn.letter;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.overturn.assessment.Assessment;
import org.overturn.cases.DenialPoint;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.deadlines.Deadline;
import org.overturn.evidence.FactExtractor;
import org.overturn.law.AppealRules;
import org.overturn.law.JurisdictionRules;
import org.overturn.law.Law;
import org.jspecify.annotations.Nullable;

/**
 * Writes the appeal letter: a point-by-point answer to each denial reason the payer gave (its words and CARC code,
 * the payer criterion it names, what the chart shows for that criterion now, and the evidence that answers such a
 * denial per rebuttals.yaml), the deadlines with their rules, the expedited request when urgent, and the enclosures in
 * order. Every statement cites the chart resource or knowledge source it rests on; what the chart lacks is listed as
 * documentation to obtain, never asserted.
 */
public final class AppealLetterComposer {
    static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);
    static final DateTimeFormatter DUE = DateTimeFormatter.ofPattern("MMMM d, yyyy, h:mm a z", Locale.US);
    private static final String ECOG = "89247-1";

    private final Knowledge knowledge;
    private final Law law;
    private final FactExtractor facts;

    public AppealLetterComposer(Knowledge knowledge, Law law, FactExtractor facts) {
        this.knowledge = knowledge;
        this.law = law;
        this.facts = facts;
    }

    /**
     * Everything the appeal letter says, gathered by the appeals feature.
     *
     * @param assessment the payer's criteria evaluated against the chart as it is now
     * @param denial the denial appealed, as a reference ("ClaimResponse/1")
     * @param previousAppeal the upheld first-level appeal, for a second-level appeal
     * @param filing the filing deadline to act on (null when no rule sets one: see {@code gaps})
     * @param decision the payer's decision clock after filing, to act on
     * @param decidingFact the fact that would decide between candidate regimes, when the regime is not certain
     */
    public record Input(
            Assessment assessment,
            @Nullable MedicationRequest order,
            @Nullable Practitioner prescriber,
            String denial,
            @Nullable LocalDate denialDate,
            List<DenialPoint> points,
            boolean expedited,
            @Nullable String previousAppeal,
            @Nullable Deadline filing,
            @Nullable Deadline decision,
            boolean late,
            @Nullable String decidingFact,
            List<String> gaps,
            LocalDate today) {
        public Input {
            points = List.copyOf(points);
            gaps = List.copyOf(gaps);
        }
    }

    public Letter appeal(Input in) {
        Assessment assessment = in.assessment();
        KnowledgeModel.Drug drug = assessment.drug().orElseThrow();
        AppealRules.AppealPackage pkg = law.appeals().appealPackage();
        Patient patient = assessment.chart().patient();
        String patientRef = patient.getIdElement().toUnqualifiedVersionless().getValue();
        String patientName = PersonNames.of(patient.getNameFirstRep());
        String payer = assessment.payer().map(KnowledgeModel.Payer::name).orElse(assessment.payorOrganization().getName());
        String orderRef = in.order() == null ? null : in.order().getIdElement().toUnqualifiedVersionless().getValue();
        ChartFacts chart = facts.facts(assessment.chart(), orderRef);
        boolean investigational = !drug.approved();
        String level = in.previousAppeal() == null ? "internal appeal" : "second-level internal appeal";
        String denialDate = in.denialDate() == null ? "" : " dated " + in.denialDate().format(LONG_DATE);

        List<Letter.Section> sections = new ArrayList<>();
        List<Letter.Missing> missing = new ArrayList<>();
        Set<String> records = new LinkedHashSet<>();
        Map<String, String> labels = labels(chart);
        if (orderRef != null) {
            labels.put(orderRef, "the order for " + drug.displayName());
        }

        // 1. What is asked
        List<Letter.Statement> request = new ArrayList<>();
        request.add(new Letter.Statement("On behalf of my patient, " + patientName
                + (patient.hasBirthDateElement() ? ", born " + patient.getBirthDateElement().getValueAsString() : "")
                + ", I request " + (in.previousAppeal() == null ? "an " : "a ") + level + " of " + payer + "'s denial" + denialDate + " of " + drug.displayName()
                + ", and ask that the denial be overturned.", List.of(in.denial(), patientRef)));
        if (in.previousAppeal() != null) {
            request.add(new Letter.Statement("The plan upheld its denial on the first-level appeal; this is the next level"
                    + " of the plan's internal appeal.", List.of(in.previousAppeal())));
        }
        if (in.expedited()) {
            request.add(new Letter.Statement(pkg.expeditedRequest().text() + ".", cite(pkg.expeditedRequest())));
        }
        request.add(new Letter.Statement(pkg.peerToPeer().text() + ".", cite(pkg.peerToPeer())));
        sections.add(new Letter.Section("Request", request));

        // 2. Deadlines, each with its rule
        sections.add(new Letter.Section("Deadlines", deadlines(in, payer)));

        // 3. Point by point
        Optional<Evaluation> evaluation = assessment.evaluation();
        Optional<KnowledgeModel.Policy> policy = evaluation.flatMap(e -> knowledge.policies().stream()
                .filter(p -> p.id().equals(e.policyId())).findFirst());
        int n = 0;
        for (DenialPoint point : in.points()) {
            n++;
            List<Letter.Statement> answer = new ArrayList<>();
            String carc = point.carc() == null ? "no CARC code given"
                    : "CARC " + point.carc() + (point.carcDisplay() == null ? "" : ", " + point.carcDisplay());
            answer.add(new Letter.Statement("The payer stated: \"" + point.reason() + "\" (" + carc + ").", List.of(in.denial())));
            KnowledgeModel.Criterion criterion = policy.flatMap(p -> p.criteria().stream()
                    .filter(c -> c.id().equals(point.criterionId())).findFirst()).orElse(null);
            Evaluation.CriterionResult result = evaluation.flatMap(e -> e.results().stream()
                    .filter(r -> r.id().equals(point.criterionId())).findFirst()).orElse(null);
            if (criterion != null && result != null) {
                answer.add(new Letter.Statement("The criterion in question: " + criterion.description() + ".", List.of(criterion.source())));
                List<String> cites = new ArrayList<>(result.evidence());
                records.addAll(result.evidence());
                answer.add(new Letter.Statement("What the records show now: " + verdict(result.status()) + ". " + sentence(result.reason()), cites));
                boolean coveredByPackage = investigational && criterion.kind() == KnowledgeModel.Kind.FDA_APPROVED;
                if (result.status() != Evaluation.Status.MET && !coveredByPackage) {
                    String needed = result.missingDocumentation() != null ? result.missingDocumentation() : criterion.description();
                    answer.add(new Letter.Statement("The chart on file does not show this criterion met; the documentation that"
                            + " would answer it is listed among the enclosures as still to obtain.", List.of()));
                    addMissing(missing, needed, "obtain from the treating team, the performing lab or the records of the"
                            + " treating facility before the appeal is sent");
                }
            } else {
                answer.add(new Letter.Statement("The denial does not name a criterion of the payer's policy on file; the"
                        + " criteria as evaluated against the chart are listed under the clinical summary.", List.of()));
            }
            AppealRules.Rebuttal rebuttal = law.appeals().rebuttal(criterion == null ? null : criterion.kind(),
                    point.reason(), point.carc());
            answer.add(new Letter.Statement("Evidence that answers a denial of this kind (" + lowerFirst(rebuttal.denial()) + "): "
                    + String.join("; ", rebuttal.evidence()) + ".", List.of(rebuttal.source())));
            if (rebuttal.kinds().contains(KnowledgeModel.Kind.FDA_APPROVED) || investigational) {
                answer.addAll(investigationalAnswer(drug));
            }
            sections.add(new Letter.Section("Denial reason " + n + ": " + headline(point.reason()), answer));
        }

        // 4. Records and history
        List<Letter.Statement> summary = new ArrayList<>();
        for (ChartFacts.ConditionFact c : chart.conditions()) {
            summary.add(new Letter.Statement("Diagnosis: " + c.text()
                    + (c.icd10().isEmpty() ? "" : " (ICD-10-CM " + String.join(", ", c.icd10()) + ")") + ".", List.of(c.reference())));
            records.add(c.reference());
        }
        for (ChartFacts.BiomarkerFact b : chart.biomarkers()) {
            String label = knowledge.biomarker(b.biomarkerId()).map(KnowledgeModel.Biomarker::label).orElse(b.biomarkerId());
            summary.add(new Letter.Statement(ChartLabels.result(label, b, assessment.chart()), List.of(b.reference())));
            records.add(b.reference());
        }
        for (ChartFacts.TherapyFact t : chart.therapies()) {
            summary.add(new Letter.Statement("Prior therapy: " + t.text()
                    + (t.start() == null ? "" : ", " + t.start() + (t.end() == null ? "" : " to " + t.end()))
                    + (t.stopReason() == null ? "" : "; stopped: " + t.stopReason()) + ".", List.of(t.reference())));
            records.add(t.reference());
        }
        if (chart.therapies().isEmpty()) {
            summary.add(new Letter.Statement("No prior systemic therapy is recorded in the chart.", List.of()));
        }
        chart.observations().stream().filter(o -> o.isFinal() && o.loinc().equals(ECOG)).reduce((a, b) -> b).ifPresent(o -> {
            summary.add(new Letter.Statement("ECOG performance status " + o.value() + ".", List.of(o.reference())));
            records.add(o.reference());
        });
        evaluation.ifPresent(e -> {
            for (Evaluation.CriterionResult r : e.results()) {
                List<String> cites = new ArrayList<>(r.evidence());
                cites.add(r.source());
                summary.add(new Letter.Statement("Payer criterion \"" + r.description() + "\": " + verdict(r.status()) + ".", cites));
            }
        });
        sections.add(new Letter.Section("Clinical summary", summary));

        // 5. Literature and guidelines
        List<Letter.Statement> literature = new ArrayList<>();
        List<String> literatureEnclosures = new ArrayList<>();
        if (drug.approved()) {
            for (KnowledgeModel.Indication ind : drug.indications()) {
                literature.add(new Letter.Statement(drug.displayName() + " is FDA-approved for " + lowerFirst(ind.text())
                        + (ind.pivotalTrial() == null ? "" : " (pivotal trial: " + ind.pivotalTrial() + ")") + ".", List.of(drug.source())));
            }
            literatureEnclosures.add("FDA label: " + drug.source());
        }
        for (KnowledgeModel.Sourced e : drug.evidence()) {
            literature.add(new Letter.Statement(e.text() + ".", cite(e), true));
            if (e.source() != null) {
                literatureEnclosures.add("Literature: " + e.source());
            }
        }
        for (KnowledgeModel.Sourced g : drug.guidelines()) {
            boolean unverified = KnowledgeModel.UNVERIFIED.equals(g.verification());
            literature.add(new Letter.Statement("Guideline support: " + g.text() + ".", cite(g), true));
            if (!unverified && g.source() != null) {
                literatureEnclosures.add("Guideline: " + g.source());
            }
        }
        if (!literature.isEmpty()) {
            sections.add(new Letter.Section("Supporting literature and guidelines", literature));
        }

        // 6. Requested treatment
        List<Letter.Statement> plan = new ArrayList<>();
        if (in.order() != null) {
            String dosing = in.order().getDosageInstruction().stream().map(d -> d.getText()).filter(t -> t != null && !t.isBlank())
                    .reduce((a, b) -> a + "; " + b).orElse(null);
            plan.add(new Letter.Statement("Requested: " + FactExtractor.text(in.order().getMedicationCodeableConcept())
                    + (dosing == null ? "" : ", " + dosing) + ".", List.of(orderRef)));
            records.add(orderRef);
        } else {
            plan.add(new Letter.Statement("Requested: " + drug.displayName() + ".", List.of(drug.source())));
        }
        Dispensing.statement(assessment.payer().orElse(null), drug).ifPresent(plan::add);
        sections.add(new Letter.Section("Requested treatment", plan));

        // Enclosures, in the order of the appeal package: denial, records, attestation, literature, certification.
        List<String> enclosures = new ArrayList<>();
        enclosures.add(pkg.denialLetter().text() + denialDate + " (" + in.denial() + ")");
        if (in.previousAppeal() != null) {
            enclosures.add("The plan's decision upholding the denial on the first-level appeal (" + in.previousAppeal() + ")");
        }
        records.forEach(r -> enclosures.add("Medical record: " + labels.getOrDefault(r, r) + " (" + r + ")"));
        enclosures.add(pkg.physicianAttestation().text());
        enclosures.addAll(literatureEnclosures.stream().distinct().toList());
        Set<String> listed = new LinkedHashSet<>();
        if (investigational) {
            enclosures.add(pkg.investigationalCertification().text() + " (REQUIRED, not yet on file: the treating physician writes and signs it)");
            enclosures.add(pkg.expandedAccessLetter().text() + " (REQUIRED, not yet on file)");
            addMissing(missing, pkg.investigationalCertification().text(), "the treating physician writes and signs it");
            addMissing(missing, pkg.expandedAccessLetter().text(), "request it from the sponsor's medical affairs team");
            listed.add(pkg.investigationalCertification().text());
            listed.add(pkg.expandedAccessLetter().text());
        }
        missing.stream().filter(m -> !listed.contains(m.item())).forEach(m -> enclosures.add("REQUIRED, not yet on file: " + m.item()));

        List<String> regarding = new ArrayList<>();
        regarding.add("Re: " + patientName + (patient.hasBirthDateElement() ? ", DOB " + patient.getBirthDateElement().getValueAsString() : ""));
        if (assessment.coverage().hasSubscriberId()) {
            regarding.add("Member ID: " + assessment.coverage().getSubscriberId());
        }
        regarding.add("Denial appealed: " + payer + "'s denial" + denialDate);
        regarding.add("Drug: " + drug.displayName());
        String title = (in.expedited() ? "Request for Expedited " : "") + (in.previousAppeal() == null ? "Internal Appeal" : "Second-Level Appeal")
                + ": " + drug.displayName();
        return LetterPublisher.publish(new Letter(title, in.today().format(LONG_DATE), List.of(payer, "Appeals Department"), regarding,
                "To the appeals reviewer:", sections, enclosures, missing, signature(in.prescriber())), knowledge::publicCitation);
    }

    /** What each chart resource is, for the list of enclosed records. */
    private Map<String, String> labels(ChartFacts chart) {
        Map<String, String> labels = new HashMap<>();
        chart.conditions().forEach(c -> labels.put(c.reference(), "diagnosis, " + c.text()));
        chart.observations().forEach(o -> labels.put(o.reference(), o.text()));
        chart.biomarkers().forEach(b -> labels.put(b.reference(), ChartLabels.report(knowledge.biomarker(b.biomarkerId())
                .map(KnowledgeModel.Biomarker::label).orElse(b.biomarkerId()), b)));
        chart.therapies().forEach(t -> labels.put(t.reference(), "treatment record, " + t.text()));
        return labels;
    }

    private List<Letter.Statement> deadlines(Input in, String payer) {
        List<Letter.Statement> out = new ArrayList<>();
        Deadline filing = in.filing();
        if (filing != null) {
            out.add(new Letter.Statement("This appeal must be filed by " + filing.localDue().format(DUE) + " (" + human(filing.duration())
                    + " from the denial" + (in.previousAppeal() == null ? "" : " upheld on the first-level appeal") + ")"
                    + doubt(filing) + ".", List.of(filing.citation())));
            out.addAll(notes(filing));
            if (in.late()) {
                out.add(new Letter.Statement("That deadline has passed: this appeal is filed after it.", List.of(filing.citation())));
            }
        }
        Deadline decision = in.decision();
        if (decision != null) {
            out.add(new Letter.Statement(payer + " must decide this " + (in.expedited() ? "expedited " : "") + "appeal within "
                    + human(decision.duration()) + " of receiving it" + doubt(decision) + ".", List.of(decision.citation())));
        }
        if (in.decidingFact() != null) {
            out.add(new Letter.Statement("Which law governs the plan is not certain from the records on file ("
                    + lowerFirst(in.decidingFact()) + "); the earliest deadline of the possible regimes is used.", List.of()));
        }
        in.gaps().forEach(g -> out.add(new Letter.Statement("No deadline could be computed: " + g, List.of())));
        return out;
    }

    private List<Letter.Statement> investigationalAnswer(KnowledgeModel.Drug drug) {
        List<Letter.Statement> out = new ArrayList<>();
        if (drug.approved()) {
            out.add(new Letter.Statement(drug.displayName() + " is FDA-approved; it is not experimental or investigational.", List.of(drug.source())));
            return out;
        }
        out.add(new Letter.Statement(drug.displayName() + " is investigational and not FDA-approved. The routes to it are: "
                + String.join("; ", drug.accessRoutes()) + ".", List.of(drug.source())));
        AppealRules.AppealPackage pkg = law.appeals().appealPackage();
        out.add(new Letter.Statement("Enclosed with this appeal (still to obtain): " + lowerFirst(pkg.investigationalCertification().text())
                + "; and " + lowerFirst(pkg.expandedAccessLetter().text()) + ".", cite(pkg.investigationalCertification())));
        return out;
    }

    /** How far a deadline's rule is verified, said wherever the deadline is: doubt is never hidden. */
    static String doubt(Deadline d) {
        return switch (d.verification()) {
            case VERIFIED -> "";
            case SECONDARY -> ""; // stated with its citation; only unconfirmed rules are flagged
            case UNVERIFIED -> "; the rule is UNVERIFIED";
            case CONFLICT_UNVERIFIED -> "; sources disagree on this rule (CONFLICT-UNVERIFIED) and the earliest value is used";
        };
    }

    /** "180 days", "2 business days", "72 hours". */
    static String human(JurisdictionRules.RuleDuration duration) {
        String unit = switch (duration.unit()) {
            case HOURS -> "hours";
            case DAYS -> "days";
            case CALENDAR_DAYS -> "calendar days";
            case BUSINESS_DAYS -> "business days";
            case MONTHS -> "months";
        };
        return duration.value() + " " + (duration.value() == 1 ? unit.substring(0, unit.length() - 1) : unit);
    }

    /** The deadline's notes as one statement, when its rule is in doubt. */
    static List<Letter.Statement> notes(Deadline d) {
        if (!d.verification().doubtful() || d.notes().isEmpty()) {
            return List.of();
        }
        return List.of(new Letter.Statement("About this deadline: " + String.join(" ", d.notes()), List.of(d.citation())));
    }

    /** Ends a clause with exactly one period. */
    private static String sentence(String s) {
        String t = s.trim();
        return t.endsWith(".") ? t : t + ".";
    }

    private static String verdict(Evaluation.Status status) {
        return switch (status) {
            case MET -> "met";
            case NOT_MET -> "not met";
            case UNKNOWN -> "not yet documented";
        };
    }

    private static void addMissing(List<Letter.Missing> missing, String item, String how) {
        if (missing.stream().noneMatch(m -> m.item().equals(item))) {
            missing.add(new Letter.Missing(item, how));
        }
    }

    static List<String> cite(KnowledgeModel.Sourced fact) {
        if (fact.source() == null) {
            return List.of();
        }
        return List.of(fact.source() + (KnowledgeModel.UNVERIFIED.equals(fact.verification()) ? " (UNVERIFIED)" : ""));
    }

    static List<String> signature(@Nullable Practitioner prescriber) {
        List<String> signature = new ArrayList<>();
        if (prescriber != null) {
            signature.add(PersonNames.of(prescriber.getNameFirstRep()));
            prescriber.getIdentifier().stream().filter(i -> "http://hl7.org/fhir/sid/us-npi".equals(i.getSystem()))
                    .findFirst().ifPresent(i -> signature.add("NPI " + i.getValue()));
        } else {
            signature.add("Treating physician");
        }
        return signature;
    }

    /** A short section heading from the payer's words: its first clause. */
    private static String headline(String reason) {
        String first = reason.split(" - |\\. ", 2)[0].trim();
        return first.length() > 90 ? first.substring(0, 87) + "..." : first;
    }

    static String lowerFirst(String s) {
        boolean acronym = s.length() > 1 && Character.isUpperCase(s.charAt(1));
        return s.isEmpty() || acronym ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
