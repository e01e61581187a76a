package org.overturn.trials;

/**
 * A clinical-trial registry. Implementations never throw for a registry that is down or answers nonsense: they say so in
 * {@link TrialSearch.Unavailable}, so a letter is written with or without it.
 */
public interface TrialRegistry {

    TrialSearch search(TrialQuery query);
}
