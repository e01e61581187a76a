package org.overturn.deadlines;

import java.util.Arrays;
import java.util.List;
import org.springframework.lang.Nullable;

/**
 * The regimes a case may fall under, each with how it was decided, plus the resolver's findings in the order they were
 * made. Several candidates mean the facts at hand do not decide; none with {@code unsupported} means the coverage is of
 * a kind the rules file does not cover (Medicare, Medicaid).
 */
public record RegimeCandidates(List<Candidate> candidates, List<String> findings, @Nullable String unsupported) {

    /** A candidate regime and the elements that made it one. */
    public record Candidate(Regime regime, String basis) {}

    public RegimeCandidates {
        candidates = List.copyOf(candidates);
        findings = List.copyOf(findings);
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
