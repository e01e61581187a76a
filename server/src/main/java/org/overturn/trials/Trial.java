package org.overturn.trials;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A study as the registry lists it: enough for a letter to name it and for a clinic to call about it.
 *
 * @param status the registry's overall status code (RECRUITING, AVAILABLE, ...)
 * @param studyType INTERVENTIONAL, EXPANDED_ACCESS, ...
 * @param phases the registry's phase codes (PHASE2, PHASE3); empty for expanded-access records
 * @param locations the first sites listed, at most {@link #MAX_LOCATIONS}; {@code locationCount} is how many there are
 */
public record Trial(
        String nctId,
        String title,
        String status,
        @Nullable String studyType,
        List<String> phases,
        @Nullable String sponsor,
        List<String> conditions,
        List<Contact> contacts,
        List<Location> locations,
        int locationCount) {
    public static final int MAX_LOCATIONS = 5;
    /** The public page of a study; links in letters go to the registry's site, not to the API. */
    public static final String STUDY_PAGE = "https://clinicaltrials.gov/study/";

    public Trial {
        phases = List.copyOf(phases);
        conditions = List.copyOf(conditions);
        contacts = List.copyOf(contacts);
        locations = List.copyOf(locations);
    }

    public record Contact(@Nullable String name, @Nullable String phone, @Nullable String email) {}

    public record Location(@Nullable String facility, @Nullable String city, @Nullable String state, @Nullable String country,
            @Nullable String status) {}

    public String url() {
        return STUDY_PAGE + nctId;
    }

    public boolean expandedAccess() {
        return "EXPANDED_ACCESS".equals(studyType);
    }
}
