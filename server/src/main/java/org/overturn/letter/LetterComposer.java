package org.overturn.letter;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.evidence.FactExtractor;
import org.jspecify.annotations.Nullable;

/**
 * Writes the medical-necessity letter from the assessment: every sentence is built from a chart fact or a knowledge
 * entry and cites it. Missing evidence is never papered over: it becomes a required enclosure with a way to get it.
 */
final class LetterComposer {
    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);

    private final Knowledge knowledge;
    private final FactExtractor facts;

    LetterComposer(Knowledge knowledge, FactExtractor facts) {
        this.knowledge = knowledge;
        this.facts = facts;
    }

    Letter medicalNecessity(
            Assessment assessment,
            @Nullable MedicationRequest order,
            @Nullable Practitioner prescriber,
            LocalDate today) {
        KnowledgeModel.Drug drug = assessment.drug().orElseThrow();
        Patient patient = assessment.chart().patient();
        String orderRef = order == null ? null : order.getIdElement().toUnqualifiedVersionless().getValue();
        ChartFacts chart = facts.facts(assessment.chart(), orderRef);
        String patientRef = patient.getIdElement().toUnqualifiedVersionless().getValue();
        String patientName = PersonNames.of(patient.getNameFirstRep());
        List<Letter.Section> sections = new ArrayList<>();
        List<String> enclosures = new ArrayList<>();
        List<Letter.Missing> missing = new ArrayList<>();
        List<String> checklist = new ArrayList<>();
        // Outside the label (a label criterion not met): argued as an off-label request, never as failed on-label criteria.
        List<Evaluation.CriterionResult> outside = assessment.evaluation().map(e -> e.results().stream()
                .filter(r -> r.required() && r.label() && r.status() == Evaluation.Status.NOT_MET).toList()).orElse(List.of());
        boolean offLabel = drug.approved() && !outside.isEmpty();
        String setting = assessment.evaluation().flatMap(Evaluation::setting).orElse(null);
        Integer age = patient.hasBirthDate() ? java.time.Period.between(LocalDate.parse(patient.getBirthDateElement().getValueAsString()
                .substring(0, 10)), today).getYears() : null;

        // 1. Patient and diagnosis
        List<Letter.Statement> diagnosis = new ArrayList<>();
        String born = patient.hasBirthDateElement() ? ", born " + patient.getBirthDateElement().getValueAsString() : "";
        if (offLabel) {
            diagnosis.add(new Letter.Statement("I am writing to request coverage of " + drug.displayName() + " for my patient, "
                    + patientName + born + ", for a use outside its FDA-labeled indication ("
                    + outside.stream().map(r -> lowerFirst(r.reason())).collect(java.util.stream.Collectors.joining("; "))
                    + "). I ask that it be reviewed as an off-label request, on the evidence and guideline support below.",
                    List.of(patientRef)));
        } else {
            diagnosis.add(new Letter.Statement("I am writing to request coverage of " + drug.displayName() + " for my patient, "
                    + patientName + born + ".", List.of(patientRef)));
        }
        for (ChartFacts.ConditionFact c : chart.conditions()) {
            diagnosis.add(new Letter.Statement("Diagnosis: " + c.text()
                    + (c.icd10().isEmpty() ? "" : " (ICD-10-CM " + String.join(", ", c.icd10()) + ")") + ".", List.of(c.reference())));
        }
        sections.add(new Letter.Section("Patient and diagnosis", diagnosis));

        // 2. Biomarker evidence
        List<Letter.Statement> biomarkers = new ArrayList<>();
        for (String biomarkerId : drugBiomarkers(drug)) {
            KnowledgeModel.Biomarker b = knowledge.biomarker(biomarkerId).orElseThrow();
            List<ChartFacts.BiomarkerFact> results = chart.biomarkers().stream().filter(r -> r.biomarkerId().equals(biomarkerId)).toList();
            for (ChartFacts.BiomarkerFact r : results) {
                biomarkers.add(new Letter.Statement(ChartLabels.result(b.label(), r, assessment.chart()), List.of(r.reference())));
                enclosures.add(ChartLabels.report(b.label(), r) + " (" + r.reference() + ")");
            }
            if (results.stream().noneMatch(r -> r.isFinal() && r.polarity() == ChartFacts.Polarity.POSITIVE)) {
                biomarkers.add(new Letter.Statement("A final positive " + b.label() + " result is not on file; the report is"
                        + " listed below as a required enclosure.", List.of(b.source())));
                missing.add(new Letter.Missing(b.documentation(), "order the test or request the report from the performing"
                        + " lab; accepted methods: " + String.join(", ", b.tests())));
            }
        }
        if (!biomarkers.isEmpty()) {
            sections.add(new Letter.Section("Biomarker evidence", biomarkers));
        }

        // 3. Prior therapies
        List<Letter.Statement> therapies = new ArrayList<>();
        for (ChartFacts.TherapyFact t : chart.therapies()) {
            therapies.add(new Letter.Statement(t.text()
                    + (t.start() == null ? "" : ", " + t.start() + (t.end() == null ? "" : " to " + t.end()))
                    + (t.stopReason() == null ? "" : "; stopped: " + t.stopReason()) + ".", List.of(t.reference())));
        }
        if (therapies.isEmpty()) {
            therapies.add(new Letter.Statement("No prior systemic therapy is recorded in the chart.", List.of()));
        }
        sections.add(new Letter.Section("Prior therapies and outcomes", therapies));

        // 4. Performance status
        List<Letter.Statement> status = new ArrayList<>();
        chart.observations().stream().filter(o -> o.isFinal() && o.loinc().equals("89247-1")).reduce((a, b) -> b)
                .ifPresent(o -> status.add(new Letter.Statement("ECOG performance status " + o.value() + ".", List.of(o.reference()))));
        if (!status.isEmpty()) {
            sections.add(new Letter.Section("Performance status", status));
        }

        // 5. Rationale: label and evidence
        List<Letter.Statement> rationale = new ArrayList<>();
        if (drug.approved()) {
            // Only the indication that fits the patient's setting (metastatic or adjuvant), when the chart shows which.
            List<KnowledgeModel.Indication> fitting = drug.indications().stream()
                    .filter(ind -> setting == null || ind.setting() == null || ind.setting().equals(setting)).toList();
            for (KnowledgeModel.Indication ind : fitting.isEmpty() ? drug.indications() : fitting) {
                rationale.add(new Letter.Statement(drug.displayName() + " is FDA-approved for " + lowerFirst(ind.text())
                        + (ind.pivotalTrial() == null ? "" : " (pivotal trial: " + ind.pivotalTrial() + ")")
                        + (offLabel ? "; this request is outside that indication, as stated above" : "") + ".",
                        List.of(drug.source())));
            }
            if (offLabel) {
                checklist.add("Off-label request: enclose the compendium listing that supports this use (NCCN Drugs & Biologics"
                        + " Compendium, Micromedex DrugDex, Clinical Pharmacology, AHFS-DI or Lexi-Drugs) and the published"
                        + " evidence for it; confirm the listing applies to this patient before sending.");
            }
        } else {
            rationale.add(new Letter.Statement(drug.displayName() + " is investigational and not FDA-approved. Access routes: "
                    + String.join("; ", drug.accessRoutes()) + ".", List.of(drug.source())));
        }
        List<String> diagnosed = chart.conditions().stream().flatMap(c -> c.icd10().stream()).toList();
        for (KnowledgeModel.Sourced e : drug.evidence()) {
            if (!e.fits(diagnosed, setting)) {
                checklist.add("Not cited in the letter: \"" + e.text() + "\" studied another tumour or setting than this"
                        + " patient's; cite it only if the reviewer asks for the drug's wider evidence.");
                continue;
            }
            rationale.add(new Letter.Statement(e.text() + ".", AppealLetterComposer.cite(e), true));
        }
        for (KnowledgeModel.Sourced g : drug.guidelines()) {
            // An unconfirmed guideline goes to the sender's checklist (LetterPublisher), with its version to cite.
            rationale.add(new Letter.Statement("Guideline support: " + g.text() + ".", AppealLetterComposer.cite(g), true));
        }
        sections.add(new Letter.Section("Clinical rationale", rationale));

        // 6. The payer's criteria
        assessment.evaluation().ifPresent(evaluation -> {
            List<Letter.Statement> criteria = new ArrayList<>();
            for (Evaluation.CriterionResult r : evaluation.results()) {
                String verdict = switch (r.status()) {
                    case MET -> "met";
                    case NOT_MET -> offLabel && r.label() ? "outside the FDA label (this is an off-label request)" : "not met";
                    case UNKNOWN -> "not yet documented";
                };
                List<String> cites = new ArrayList<>(r.evidence());
                cites.add(r.source());
                criteria.add(new Letter.Statement(r.description() + ": " + verdict + ". " + r.reason() + ".", cites));
                // What the outcome rests on that is not verified: for the sender to check, never stated to the payer.
                r.caveats().forEach(c -> checklist.add("Check before sending (" + r.description() + "): " + c));
                if (r.required() && r.status() != Evaluation.Status.MET && r.missingDocumentation() != null
                        && missing.stream().noneMatch(m -> m.item().equals(r.missingDocumentation()))) {
                    missing.add(new Letter.Missing(r.missingDocumentation(), "obtain from the chart or the treating team"));
                }
            }
            sections.add(new Letter.Section(assessment.payer().map(KnowledgeModel.Payer::name).orElse("Payer")
                    + " criteria for " + drug.displayName(), criteria));
        });

        // 7. Requested treatment and urgency
        List<Letter.Statement> plan = new ArrayList<>();
        if (order != null) {
            String dosing = order.getDosageInstruction().stream().map(d -> d.getText()).filter(t -> t != null && !t.isBlank())
                    .reduce((a, b) -> a + "; " + b).orElse(null);
            plan.add(new Letter.Statement("Requested: " + FactExtractor.text(order.getMedicationCodeableConcept())
                    + (dosing == null ? "" : ", " + dosing) + ".", List.of(order.getIdElement().toUnqualifiedVersionless().getValue())));
            if (order.hasPriority() && order.getPriority() != MedicationRequest.MedicationRequestPriority.ROUTINE) {
                plan.add(new Letter.Statement("This request is " + order.getPriority().toCode() + ": please review it on the"
                        + " expedited timeline, as a delay could seriously jeopardize my patient's life or health.",
                        List.of(order.getIdElement().toUnqualifiedVersionless().getValue())));
            }
        }
        dosing(drug, age, chart, missing).ifPresent(plan::add);
        Dispensing.statement(assessment.payer().orElse(null), drug).ifPresent(plan::add);
        sections.add(new Letter.Section("Requested treatment", plan));

        List<String> signature = AppealLetterComposer.signature(prescriber);
        missing.forEach(m -> enclosures.add("REQUIRED, not yet on file: " + m.item()));
        Coverage coverage = assessment.coverage();
        List<String> regarding = new ArrayList<>();
        regarding.add("Re: " + patientName + (patient.hasBirthDateElement() ? ", DOB " + patient.getBirthDateElement().getValueAsString() : ""));
        if (coverage.hasSubscriberId()) {
            regarding.add("Member ID: " + coverage.getSubscriberId());
        }
        regarding.add("Request: prior authorization of " + drug.displayName());
        return LetterPublisher.publish(new Letter(
                (offLabel ? "Request for Coverage of Off-Label Use: " : "Letter of Medical Necessity: ") + drug.displayName(),
                today.format(LONG_DATE),
                List.of(assessment.payer().map(KnowledgeModel.Payer::name).orElse(assessment.payorOrganization().getName()),
                        "Prior Authorization Review"),
                regarding,
                "To the reviewer:",
                sections,
                enclosures,
                missing,
                signature,
                List.of(),
                checklist), knowledge::publicCitation);
    }

    /**
     * The dose that fits the patient, from the label: the adult dose for an adult; for a child, the dose by body
     * surface area from the chart's height and weight, or "by BSA, see the label" (and height and weight listed as
     * missing) when either is absent; never the adult fixed dose for a child. An investigational drug has no label.
     */
    private static java.util.Optional<Letter.Statement> dosing(KnowledgeModel.Drug drug, @Nullable Integer age, ChartFacts chart,
            List<Letter.Missing> missing) {
        KnowledgeModel.Dosing d = drug.dosing();
        if (d == null || !drug.approved()) {
            return java.util.Optional.empty();
        }
        List<String> source = d.source() == null ? List.of(drug.source()) : List.of(d.source());
        boolean child = age != null && age < 18;
        if (!child) {
            return java.util.Optional.of(new Letter.Statement("Labeled adult dosing: " + (d.adult() != null ? d.adult() : d.text())
                    + ".", source));
        }
        if (d.pediatric() == null) {
            return java.util.Optional.of(new Letter.Statement("The label sets no pediatric dose for " + drug.displayName()
                    + "; the dose for this " + age + "-year-old patient is the one in the order, chosen by the treating"
                    + " physician.", source));
        }
        java.util.Optional<BodySurfaceArea.Measured> bsa = BodySurfaceArea.of(chart);
        if (bsa.isEmpty()) {
            missing.add(new Letter.Missing("Current height and weight, for dosing by body surface area",
                    "record them in the chart (body height and body weight vital signs)"));
            return java.util.Optional.of(new Letter.Statement("Pediatric dosing is by body surface area (" + d.pediatric().text()
                    + "); the patient's current height and weight are needed to state the dose.", source));
        }
        BodySurfaceArea.Measured m = bsa.get();
        List<String> cites = new ArrayList<>(m.references());
        cites.addAll(source);
        return java.util.Optional.of(new Letter.Statement("Pediatric dosing by body surface area: height " + m.height() + ", weight "
                + m.weight() + ", BSA " + m.squareMetres().toPlainString() + " m2 (Mosteller); dose "
                + BodySurfaceArea.dose(d.pediatric(), d.adult(), m.squareMetres()) + ".", cites));
    }

    private static List<String> drugBiomarkers(KnowledgeModel.Drug drug) {
        return drug.indications().stream().map(KnowledgeModel.Indication::biomarker).filter(b -> b != null).distinct().toList();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
