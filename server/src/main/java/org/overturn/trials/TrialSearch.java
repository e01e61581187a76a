package org.overturn.trials;

import java.time.Instant;
import java.util.List;

/** The outcome of a registry search. A registry that is off or out of reach is an answer too, never an exception. */
public sealed interface TrialSearch {

    TrialQuery query();

    /**
     * The registry answered.
     *
     * @param total how many studies matched (the registry's count; more than {@code trials} when the list was capped)
     */
    record Found(TrialQuery query, List<Trial> trials, int total, Instant searchedAt) implements TrialSearch {
        public Found {
            trials = List.copyOf(trials);
        }
    }

    /** The registry could not be reached or gave no usable answer; {@code reason} says which. */
    record Unavailable(TrialQuery query, String reason, Instant searchedAt) implements TrialSearch {}

    /** The search is turned off on this server ({@code overturn.trials.enabled=false}). */
    record Disabled(TrialQuery query) implements TrialSearch {}
}
