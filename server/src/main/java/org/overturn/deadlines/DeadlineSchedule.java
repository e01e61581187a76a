package org.overturn.deadlines;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The deadlines of one step under every candidate regime. When the regime is not known for certain, {@link #actOn()}
 * is the earliest of them and {@code decidingFact} says which fact about the plan would settle it.
 *
 * @param gaps candidate regimes for which the rules file sets no clock for the step, each with the reason
 * @param decidingFact null when all candidates agree on the regime
 */
public record DeadlineSchedule(List<Deadline> deadlines, List<Gap> gaps, @Nullable String decidingFact) {

    /** A candidate regime (null when none could be named) without a deadline for the step, and why. */
    public record Gap(@Nullable Regime regime, String reason) {}

    public DeadlineSchedule {
        deadlines = List.copyOf(deadlines);
        gaps = List.copyOf(gaps);
    }

    /** The earliest deadline of all candidates: the one to act on. Ties keep the candidates' order. */
    public Optional<Deadline> actOn() {
        return deadlines.stream().min(Comparator.comparing(Deadline::due));
    }

    public boolean ambiguous() {
        return decidingFact != null;
    }
}
