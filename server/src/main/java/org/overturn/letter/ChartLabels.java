package org.overturn.letter;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Observation;
import org.overturn.criteria.ChartFacts;
import org.overturn.evidence.Chart;
import org.overturn.evidence.FactExtractor;
import org.jspecify.annotations.Nullable;

/**
 * Names chart records as a reviewer knows them: a biomarker report by its assay and method, performing laboratory and
 * date ("ALK rearrangement report (FISH, Vysis ALK Break Apart FISH), Example Molecular Lab, May 2, 2026"), and its
 * result with the detail the chart records beside it (fusion partner, percentage, intensity).
 */
final class ChartLabels {
    private ChartLabels() {}

    /** The report as an enclosure is named. */
    static String report(String biomarker, ChartFacts.BiomarkerFact b) {
        return biomarker + " report" + (b.method() == null ? "" : " (" + b.method() + ")") + (b.lab() == null ? "" : ", " + b.lab())
                + (b.date() == null ? "" : ", " + date(b.date()));
    }

    /** "ALK rearrangement: Positive (Fusion description: EML4-ALK variant 1), by FISH, Example Lab, reported May 2, 2026." */
    static String result(String biomarker, ChartFacts.BiomarkerFact b, Chart chart) {
        String detail = detail(b.reference(), chart);
        String result = b.result().isBlank() ? detail : detail.isEmpty() ? b.result() : b.result() + " (" + detail + ")";
        return biomarker + ": " + (result.isBlank() ? "result as reported" : result) + (b.method() == null ? "" : ", by " + b.method())
                + (b.lab() == null ? "" : ", " + b.lab()) + (b.date() == null ? "" : ", reported " + date(b.date()))
                + (b.isFinal() ? "" : " (not final)") + ".";
    }

    /** The Observation's components that carry a value, as "label: value", joined. */
    static String detail(String reference, Chart chart) {
        Optional<Observation> o = chart.observations().stream()
                .filter(x -> x.getIdElement().toUnqualifiedVersionless().getValue().equals(reference)).findFirst();
        if (o.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Observation.ObservationComponentComponent c : o.get().getComponent()) {
            String value = value(c);
            String label = FactExtractor.text(c.getCode());
            if (value != null && !value.isBlank() && !label.isBlank()) {
                parts.add(label + ": " + value);
            }
        }
        return String.join("; ", parts);
    }

    private static @Nullable String value(Observation.ObservationComponentComponent c) {
        if (c.hasValueQuantity()) {
            var q = c.getValueQuantity();
            return (q.hasValue() ? q.getValue().stripTrailingZeros().toPlainString() : "") + (q.hasUnit() ? " " + q.getUnit() : "");
        }
        if (c.hasValueCodeableConcept()) {
            return FactExtractor.text(c.getValueCodeableConcept());
        }
        if (c.hasValueStringType()) {
            return c.getValueStringType().getValue();
        }
        return c.hasValueIntegerType() ? c.getValueIntegerType().getValueAsString() : null;
    }

    /** "2026-05-02T10:00:00Z" as "May 2, 2026"; anything else as written. */
    static String date(String iso) {
        try {
            return LocalDate.parse(iso.length() >= 10 ? iso.substring(0, 10) : iso).format(AppealLetterComposer.LONG_DATE);
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
