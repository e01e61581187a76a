package org.overturn.criteria;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The result of checking one payer policy against one chart. */
public record Evaluation(
        String policyId,
        int policyVersion,
        String payerId,
        String drugId,
        boolean paRequired,
        List<CriterionResult> results,
        List<String> missingDocumentation,
        Outcome outcome) {

    public Evaluation {
        results = List.copyOf(results);
        missingDocumentation = List.copyOf(missingDocumentation);
    }

    public enum Outcome {
        /** Every required criterion is met. */
        CRITERIA_MET,
        /** A required criterion is not met. */
        CRITERIA_NOT_MET,
        /** Nothing required fails, but something required cannot be decided from the chart. */
        INCOMPLETE
    }

    public enum Status {
        MET("met"),
        NOT_MET("not-met"),
        UNKNOWN("unknown");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        /** The code as FHIR carries it: exactly met, not-met or unknown. */
        public String code() {
            return code;
        }
    }

    /**
     * One criterion: its status, why, the resources that decide it, and what to send when it is not met.
     *
     * @param reason clinician-readable, quotable in a letter
     * @param caveats what the sender should check before relying on it (an UNVERIFIED code, threshold or mapping the
     *     outcome rests on); kept out of {@code reason} so that letters can route them to the sender's checklist
     */
    public record CriterionResult(
            String id,
            String description,
            boolean required,
            Status status,
            String reason,
            List<String> evidence,
            @Nullable String missingDocumentation,
            String source,
            List<String> caveats,
            boolean label,
            @Nullable String setting) {
        public CriterionResult {
            evidence = List.copyOf(evidence);
            caveats = List.copyOf(caveats);
        }

        public CriterionResult(String id, String description, boolean required, Status status, String reason,
                List<String> evidence, @Nullable String missingDocumentation, String source) {
            this(id, description, required, status, reason, evidence, missingDocumentation, source, List.of(), false, null);
        }
    }

    /**
     * Whether the request falls outside the drug's FDA label: a required criterion that is a label limit (diagnosis,
     * biomarker, setting, age, active disease) is not met. Such a request is argued as off-label (compendia and
     * evidence), not as a list of failed criteria.
     */
    public boolean offLabel() {
        return results.stream().anyMatch(r -> r.required() && r.label() && r.status() == Status.NOT_MET);
    }

    /** The labeled setting the chart shows (metastatic, adjuvant, unresectable), when a setting criterion found one. */
    public java.util.Optional<String> setting() {
        return results.stream().map(CriterionResult::setting).filter(java.util.Objects::nonNull).findFirst();
    }
}
