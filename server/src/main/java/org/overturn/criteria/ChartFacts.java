package org.overturn.criteria;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.springframework.lang.Nullable;

/**
 * The facts of a patient's chart that criteria look at, each pointing back at the FHIR resource it came from
 * ({@code reference}, e.g. "Observation/123"). Filled by the evidence feature; the evaluator never reads FHIR.
 */
public record ChartFacts(
        @Nullable LocalDate birthDate,
        List<ConditionFact> conditions,
        List<BiomarkerFact> biomarkers,
        List<TherapyFact> therapies,
        List<ObservationFact> observations) {

    public ChartFacts {
        conditions = List.copyOf(conditions);
        biomarkers = List.copyOf(biomarkers);
        therapies = List.copyOf(therapies);
        observations = List.copyOf(observations);
    }

    /** An active, not refuted diagnosis; {@code icd10} holds its ICD-10-CM codes. */
    public record ConditionFact(String reference, List<String> icd10, String text) {}

    public enum Polarity {
        POSITIVE,
        NEGATIVE,
        INDETERMINATE
    }

    /** One biomarker result read from an Observation or DiagnosticReport. */
    public record BiomarkerFact(
            String reference,
            String biomarkerId,
            Polarity polarity,
            boolean isFinal,
            String result,
            @Nullable String method,
            @Nullable String date,
            @Nullable String lab) {}

    /** One prior or current therapy; {@code drugIds} are the knowledge drugs it was recognized as (may be empty). */
    public record TherapyFact(
            String reference,
            Set<String> drugIds,
            String text,
            String status,
            @Nullable String start,
            @Nullable String end,
            @Nullable String stopReason) {}

    /** {@code effective} is when it was observed (ISO date or date-time), null when the chart does not say. */
    public record ObservationFact(
            String reference, String loinc, String text, String value, boolean isFinal, @Nullable String effective) {
        public ObservationFact(String reference, String loinc, String text, String value, boolean isFinal) {
            this(reference, loinc, text, value, isFinal, null);
        }
    }
}
