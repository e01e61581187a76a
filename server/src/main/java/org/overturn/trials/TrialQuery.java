package org.overturn.trials;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What to look for: studies of any of the drug's names (brand, generic, code name), optionally in a condition, that a
 * patient could still join or get the drug through.
 */
public record TrialQuery(List<String> interventions, @Nullable String condition) {
    /** Open to a new patient: recruiting, soon recruiting, by invitation, or an expanded-access program available. */
    public static final List<String> OPEN_STATUSES = List.of("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE");

    public TrialQuery {
        interventions = interventions.stream().filter(n -> n != null && !n.isBlank()).distinct().toList();
        if (interventions.isEmpty()) {
            throw new IllegalArgumentException("a trial search needs at least one intervention name");
        }
    }

    /** The intervention query in the registry's search syntax: {@code zanzalintinib OR XL092}. */
    public String interventionExpression() {
        return String.join(" OR ", interventions);
    }

    /** The same search on the registry's public site, for a person to repeat it. */
    public String browseUrl() {
        return "https://clinicaltrials.gov/search?intr=" + URLEncoder.encode(interventionExpression(), StandardCharsets.UTF_8)
                + (condition == null ? "" : "&cond=" + URLEncoder.encode(condition, StandardCharsets.UTF_8));
    }
}
