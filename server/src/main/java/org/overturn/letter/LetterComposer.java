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
import org.springframework.lang.Nullable;

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

        // 1. Patient and diagnosis
        List<Letter.Statement> diagnosis = new ArrayList<>();
        diagnosis.add(new Letter.Statement("I am writing to request coverage of " + drug.displayName() + " for my patient, "
                + patientName + (patient.hasBirthDateElement() ? ", born " + patient.getBirthDateElement().getValueAsString() : "")
                + ".", List.of(patientRef)));
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
            for (KnowledgeModel.Indication ind : drug.indications()) {
                rationale.add(new Letter.Statement(drug.displayName() + " is FDA-approved for " + lowerFirst(ind.text())
                        + (ind.pivotalTrial() == null ? "" : " (pivotal trial: " + ind.pivotalTrial() + ")") + ".",
                        List.of(drug.source())));
            }
        } else {
            rationale.add(new Letter.Statement(drug.displayName() + " is investigational and not FDA-approved. Access routes: "
                    + String.join("; ", drug.accessRoutes()) + ".", List.of(drug.source())));
        }
        for (KnowledgeModel.Sourced e : drug.evidence()) {
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
                    case NOT_MET -> "not met";
                    case UNKNOWN -> "not yet documented";
                };
                List<String> cites = new ArrayList<>(r.evidence());
                cites.add(r.source());
                criteria.add(new Letter.Statement(r.description() + ": " + verdict + ". " + r.reason() + ".", cites));
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
        if (drug.dosing() != null) {
            plan.add(new Letter.Statement("Labeled dosing: " + drug.dosing().text() + ".", List.of(drug.source())));
        }
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
                "Letter of Medical Necessity: " + drug.displayName(),
                today.format(LONG_DATE),
                List.of(assessment.payer().map(KnowledgeModel.Payer::name).orElse(assessment.payorOrganization().getName()),
                        "Prior Authorization Review"),
                regarding,
                "To the reviewer:",
                sections,
                enclosures,
                missing,
                signature), knowledge::publicCitation);
    }

    private static List<String> drugBiomarkers(KnowledgeModel.Drug drug) {
        return drug.indications().stream().map(KnowledgeModel.Indication::biomarker).filter(b -> b != null).distinct().toList();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
