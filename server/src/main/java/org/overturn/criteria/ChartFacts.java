package org.overturn.criteria;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The facts of a patient's chart that criteria look at, each pointing back at the FHIR resource it came from
 * ({@code reference}, e.g. "Observation/123"). Filled by the evidence feature; the evaluator never reads FHIR.
 */
public record ChartFacts(
        @Nullable LocalDate birthDate,
        List<ConditionFact> conditions,
        List<BiomarkerFact> biomarkers,
        List<TherapyFact> therapies,
        List<ObservationFact> observations,
        List<ProcedureFact> procedures) {

    public ChartFacts {
        procedures = List.copyOf(procedures);
        conditions = List.copyOf(conditions);
        biomarkers = List.copyOf(biomarkers);
        therapies = List.copyOf(therapies);
        observations = List.copyOf(observations);
    }

    public ChartFacts(@Nullable LocalDate birthDate, List<ConditionFact> conditions, List<BiomarkerFact> biomarkers,
            List<TherapyFact> therapies, List<ObservationFact> observations) {
        this(birthDate, conditions, biomarkers, therapies, observations, List.of());
    }

    /**
     * An active, not refuted diagnosis; {@code icd10} holds its ICD-10-CM codes, {@code snomed} its SNOMED CT codes
     * (matched to ICD-10-CM categories only through diagnoses.yaml), {@code stages} the words of its stage summaries.
     */
    public record ConditionFact(String reference, List<String> icd10, List<String> snomed, String text, List<String> stages) {
        public ConditionFact {
            icd10 = List.copyOf(icd10);
            snomed = List.copyOf(snomed);
            stages = List.copyOf(stages);
        }

        public ConditionFact(String reference, List<String> icd10, List<String> snomed, String text) {
            this(reference, icd10, snomed, text, List.of());
        }

        public ConditionFact(String reference, List<String> icd10, String text) {
            this(reference, icd10, List.of(), text, List.of());
        }
    }

    /** A procedure done (status completed): its SNOMED CT codes, its words, and when. */
    public record ProcedureFact(String reference, List<String> snomed, String text, @Nullable String performed) {
        public ProcedureFact {
            snomed = List.copyOf(snomed);
        }
    }

    public enum Polarity {
        POSITIVE,
        NEGATIVE,
        INDETERMINATE
    }

    /** The kind of genomic change a result describes, as far as the chart says. */
    public enum Alteration {
        FUSION,
        SEQUENCE_CHANGE,
        UNSPECIFIED
    }

    /**
     * One biomarker result read from an Observation or DiagnosticReport.
     *
     * @param alteration the kind of change the result is about (a point mutation is not a fusion)
     * @param screen read by a screening method only (pan-TRK IHC): positive means "confirm", never "met"
     * @param testCode the LOINC code of the test, when it has one the knowledge lists
     * @param resistanceMutations acquired resistance mutations the result names ("NTRK1 G595R")
     * @param problem why the result could not be read, when it could not
     */
    public record BiomarkerFact(
            String reference,
            String biomarkerId,
            Polarity polarity,
            boolean isFinal,
            String result,
            @Nullable String method,
            @Nullable String date,
            @Nullable String lab,
            Alteration alteration,
            boolean screen,
            @Nullable String testCode,
            List<String> resistanceMutations,
            @Nullable String problem) {
        public BiomarkerFact {
            resistanceMutations = List.copyOf(resistanceMutations);
        }

        public BiomarkerFact(String reference, String biomarkerId, Polarity polarity, boolean isFinal, String result,
                @Nullable String method, @Nullable String date, @Nullable String lab) {
            this(reference, biomarkerId, polarity, isFinal, result, method, date, lab, Alteration.UNSPECIFIED, false, null,
                    List.of(), null);
        }

        /**
         * Whether this result is of the kind of change a biomarker is defined by ({@code alteration}, such as
         * "fusion"): a point mutation is no ALK rearrangement result. A result that does not say is taken at its
         * code's word, and so is a biomarker that names no kind.
         */
        public boolean ofKind(@Nullable String alteration) {
            return switch (this.alteration) {
                case FUSION -> alteration == null || KnowledgeModel.FUSION.equals(alteration);
                case SEQUENCE_CHANGE -> alteration == null || KnowledgeModel.SEQUENCE_CHANGE.equals(alteration);
                case UNSPECIFIED -> true;
            };
        }

        /**
         * Whether {@code other} is the same test: same code, method and performing lab, each of them known. A lab the
         * chart does not name is never assumed to be the same lab.
         */
        public boolean sameTestAs(BiomarkerFact other) {
            return testCode != null && method != null && lab != null
                    && testCode.equals(other.testCode) && method.equals(other.method) && lab.equals(other.lab);
        }
    }

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
