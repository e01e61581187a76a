package org.overturn.deadlines;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The regimes a case may fall under, each with how it was decided, plus the resolver's findings in the order they were
 * made. Several candidates mean the facts at hand do not decide; none with {@code unsupported} means the coverage is of
 * a kind the rules file does not cover (Medicare, Medicaid).
 *
 * @param state the state whose law was taken to govern the plan; null when nothing gave one
 * @param stateSource which fact gave {@code state}
 */
public record RegimeCandidates(
        List<Candidate> candidates,
        List<String> findings,
        @Nullable String unsupported,
        @Nullable String state,
        StateSource stateSource) {

    /** A candidate regime and the elements that made it one. */
    public record Candidate(Regime regime, String basis) {}

    /** The fact the state was taken from, in the order they are read; {@link #phrase()} says it in plain words. */
    public enum StateSource {
        REGULATOR("the plan's regulator recorded on the coverage"),
        SITUS("the plan's situs (the state where the policy was issued) recorded on the coverage"),
        SUBSCRIBER_ADDRESS("the subscriber's address"),
        PATIENT_ADDRESS("the patient's address"),
        NONE("nothing on file");

        private final String phrase;

        StateSource(String phrase) {
            this.phrase = phrase;
        }

        public String phrase() {
            return phrase;
        }

        /** An address says where a person lives, not where the plan was issued: another state's law may govern. */
        public boolean fromAnAddress() {
            return this == SUBSCRIBER_ADDRESS || this == PATIENT_ADDRESS;
        }
    }

    public RegimeCandidates {
        candidates = List.copyOf(candidates);
        findings = List.copyOf(findings);
    }

    public RegimeCandidates(List<Candidate> candidates, List<String> findings, @Nullable String unsupported) {
        this(candidates, findings, unsupported, null, StateSource.NONE);
    }

    /** Candidates known to the caller, e.g. from an earlier decision. */
    public static RegimeCandidates of(Regime... regimes) {
        return new RegimeCandidates(
                Arrays.stream(regimes).map(r -> new Candidate(r, "given")).toList(), List.of(), null);
    }

    public List<Regime> regimes() {
        return candidates.stream().map(Candidate::regime).toList();
    }
}
