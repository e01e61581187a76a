package org.overturn.fax;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.jspecify.annotations.Nullable;

/**
 * A chart record as a payer reads it on paper: what it is, its values, dates and status, taken field by field from the
 * resource (nothing inferred), and the PDF reports it carries (DiagnosticReport.presentedForm, DocumentReference
 * content), which the packet attaches as they are.
 */
final class EnclosureSummary {
    private EnclosureSummary() {}

    /** One field of the record: label and value as written in the resource. */
    record Line(String label, String value) {}

    record Summary(String reference, String title, List<Line> lines, List<byte[]> pdfs) {}

    static Summary of(Resource r) {
        String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
        List<Line> lines = new ArrayList<>();
        List<byte[]> pdfs = new ArrayList<>();
        String title = r.fhirType();
        if (r instanceof Observation o) {
            title = "Observation: " + text(o.getCode());
            add(lines, "Status", o.hasStatus() ? o.getStatus().toCode() : null);
            add(lines, "Effective", value(o.getEffective()));
            add(lines, "Result", value(o.getValue()));
            o.getInterpretation().forEach(i -> add(lines, "Interpretation", text(i)));
            add(lines, "Method", o.hasMethod() ? text(o.getMethod()) : null);
            o.getPerformer().forEach(p -> add(lines, "Performer", display(p)));
            o.getComponent().forEach(c -> add(lines, text(c.getCode()), value(c.getValue())));
            notes(lines, o.getNote());
        } else if (r instanceof Condition c) {
            title = "Diagnosis: " + text(c.getCode());
            add(lines, "Codes", codes(c.getCode()));
            add(lines, "Clinical status", c.hasClinicalStatus() ? text(c.getClinicalStatus()) : null);
            add(lines, "Onset", value(c.getOnset()));
            c.getStage().forEach(s -> add(lines, "Stage", s.hasSummary() ? text(s.getSummary()) : null));
            notes(lines, c.getNote());
        } else if (r instanceof MedicationStatement m) {
            title = "Medication history: " + (m.hasMedicationCodeableConcept() ? text(m.getMedicationCodeableConcept()) : "medication");
            add(lines, "Status", m.hasStatus() ? m.getStatus().toCode() : null);
            add(lines, "Taken", value(m.getEffective()));
            m.getStatusReason().forEach(s -> add(lines, "Reason stopped or changed", text(s)));
            m.getDosage().forEach(d -> add(lines, "Dosage", d.getText()));
            notes(lines, m.getNote());
        } else if (r instanceof MedicationRequest m) {
            title = "Order: " + (m.hasMedicationCodeableConcept() ? text(m.getMedicationCodeableConcept()) : "medication");
            add(lines, "Codes", m.hasMedicationCodeableConcept() ? codes(m.getMedicationCodeableConcept()) : null);
            add(lines, "Status", m.hasStatus() ? m.getStatus().toCode() : null);
            add(lines, "Written", m.hasAuthoredOn() ? m.getAuthoredOnElement().getValueAsString() : null);
            add(lines, "Priority", m.hasPriority() ? m.getPriority().toCode() : null);
            m.getDosageInstruction().forEach(d -> add(lines, "Dosage", d.getText()));
            add(lines, "Prescriber", m.hasRequester() ? display(m.getRequester()) : null);
        } else if (r instanceof DiagnosticReport d) {
            title = "Report: " + text(d.getCode());
            add(lines, "Status", d.hasStatus() ? d.getStatus().toCode() : null);
            add(lines, "Effective", value(d.getEffective()));
            add(lines, "Issued", d.hasIssued() ? d.getIssuedElement().getValueAsString() : null);
            d.getPerformer().forEach(p -> add(lines, "Performer", display(p)));
            add(lines, "Conclusion", d.getConclusion());
            d.getPresentedForm().forEach(a -> pdf(a, pdfs, lines));
        } else if (r instanceof Procedure p) {
            title = "Procedure: " + text(p.getCode());
            add(lines, "Status", p.hasStatus() ? p.getStatus().toCode() : null);
            add(lines, "Performed", value(p.getPerformed()));
            add(lines, "Outcome", p.hasOutcome() ? text(p.getOutcome()) : null);
            notes(lines, p.getNote());
        } else if (r instanceof DocumentReference d) {
            title = "Document: " + (d.hasDescription() ? d.getDescription() : text(d.getType()));
            add(lines, "Date", d.hasDate() ? d.getDateElement().getValueAsString() : null);
            d.getContent().forEach(c -> pdf(c.getAttachment(), pdfs, lines));
        } else if (r instanceof ClaimResponse cr) {
            title = "The payer's decision";
            add(lines, "Created", cr.hasCreated() ? cr.getCreatedElement().getValueAsString() : null);
            add(lines, "Outcome", cr.hasOutcome() ? cr.getOutcome().toCode() : null);
            add(lines, "Disposition", cr.getDisposition());
            add(lines, "Authorization number", cr.getPreAuthRef());
            cr.getItem().forEach(i -> i.getAdjudication().forEach(a -> add(lines, "Item " + i.getItemSequence() + " reason",
                    a.hasReason() ? text(a.getReason()) + codeSuffix(a.getReason()) : null)));
            cr.getProcessNote().forEach(n -> add(lines, "Note", n.getText()));
        }
        if (lines.isEmpty() && pdfs.isEmpty()) {
            add(lines, "Record", "no readable fields; see " + ref);
        }
        return new Summary(ref, title, lines, pdfs);
    }

    private static void pdf(Attachment a, List<byte[]> pdfs, List<Line> lines) {
        if ("application/pdf".equals(a.getContentType()) && a.hasData()) {
            pdfs.add(a.getData());
            add(lines, "Attached", (a.hasTitle() ? a.getTitle() : "PDF report") + " (follows as it was received)");
        } else if (a.hasUrl() || a.hasContentType()) {
            add(lines, "Not attached", (a.hasTitle() ? a.getTitle() + ", " : "") + (a.hasContentType() ? a.getContentType() : "")
                    + (a.hasUrl() ? " at " + a.getUrl() : "") + ": send it separately");
        }
    }

    private static void notes(List<Line> lines, List<Annotation> notes) {
        notes.forEach(n -> add(lines, "Note", n.getText()));
    }

    private static void add(List<Line> lines, String label, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            lines.add(new Line(label, value));
        }
    }

    static String text(CodeableConcept c) {
        if (c.hasText()) {
            return c.getText();
        }
        return c.getCoding().stream().map(x -> x.hasDisplay() ? x.getDisplay() : x.getCode()).filter(x -> x != null)
                .findFirst().orElse("(not coded)");
    }

    private static String codes(CodeableConcept c) {
        return String.join("; ", c.getCoding().stream().filter(x -> x.hasCode())
                .map(x -> x.getCode() + (x.hasDisplay() ? " " + x.getDisplay() : "") + (x.hasSystem() ? " (" + x.getSystem() + ")" : ""))
                .toList());
    }

    private static String codeSuffix(CodeableConcept c) {
        return c.getCoding().stream().filter(x -> x.hasCode()).findFirst().map(x -> " (code " + x.getCode() + ")").orElse("");
    }

    private static @Nullable String display(Reference r) {
        // A payer reads names, never our resource ids: a reference without a display is left out.
        return r.hasDisplay() ? r.getDisplay() : null;
    }

    static @Nullable String value(@Nullable Type v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v instanceof Quantity q) {
            return quantity(q);
        }
        if (v instanceof CodeableConcept c) {
            return text(c);
        }
        if (v instanceof org.hl7.fhir.r4.model.Coding c) {
            return c.hasDisplay() ? c.getDisplay() : c.getCode();
        }
        if (v instanceof org.hl7.fhir.r4.model.Range r) {
            // "10 mg to 20 mg", or an open end said as such
            return r.hasLow() && r.hasHigh() ? quantity(r.getLow()) + " to " + quantity(r.getHigh())
                    : r.hasLow() ? "at least " + quantity(r.getLow()) : "at most " + quantity(r.getHigh());
        }
        if (v instanceof org.hl7.fhir.r4.model.Ratio r) {
            return quantity(r.getNumerator()) + " : " + quantity(r.getDenominator());
        }
        if (v instanceof Period p) {
            return (p.hasStart() ? p.getStartElement().getValueAsString() : "?") + " to "
                    + (p.hasEnd() ? p.getEndElement().getValueAsString() : "ongoing");
        }
        if (v instanceof DateTimeType d) {
            return d.getValueAsString();
        }
        if (v instanceof BooleanType b) {
            return b.booleanValue() ? "yes" : "no";
        }
        if (v instanceof PrimitiveType<?> p) {
            return p.getValueAsString();
        }
        // Anything else (an attachment, sampled data) is in the enclosed record itself, not retyped on the summary.
        return "see the enclosed record";
    }

    /** A quantity as a reader writes it: its comparator ("<0.5 ng/mL" is not "0.5 ng/mL"), value and unit. */
    private static String quantity(Quantity q) {
        String unit = q.hasUnit() ? q.getUnit() : q.hasCode() ? q.getCode() : "";
        String value = q.hasValue() ? q.getValue().toPlainString() : "value not given";
        String comparator = q.hasComparator() ? q.getComparator().toCode() : "";
        return (comparator + value + (unit.isEmpty() ? "" : " " + unit)).trim();
    }
}
